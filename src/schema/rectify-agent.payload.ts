import { Field, ObjectType } from 'type-graphql';
import { Agent } from './agent.type.js';
import { DataSubjectRequest } from './data-subject-request.type.js';

@ObjectType()
export class RectifyAgentPayload {
  @Field(() => DataSubjectRequest)
  request!: DataSubjectRequest;

  @Field(() => Agent)
  agent!: Agent;
}
