import { Field, GraphQLISODateTime, ObjectType } from 'type-graphql';
import { Operator } from './operator.type.js';

@ObjectType()
export class OperatorLoginPayload {
  @Field(() => String, { description: 'Send as "Authorization: Bearer <token>". Valid for the operator API only.' })
  token!: string;

  @Field(() => GraphQLISODateTime)
  expiresAt!: Date;

  @Field(() => Operator)
  operator!: Operator;
}
