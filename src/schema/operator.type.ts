import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A platform operator: manages tenants, never reads their conversations.' })
export class Operator {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}
