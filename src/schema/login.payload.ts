import { Field, GraphQLISODateTime, ObjectType } from 'type-graphql';
import { Agent } from './agent.type.js';

@ObjectType()
export class LoginPayload {
  @Field(() => String, { description: 'Send as "Authorization: Bearer <token>", or as connectionParams.authorization over WebSocket.' })
  token!: string;

  @Field(() => GraphQLISODateTime)
  expiresAt!: Date;

  @Field(() => Agent)
  agent!: Agent;
}
