import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { AgentRole } from './enums.js';

@ObjectType({ description: 'A person of the tenant who answers conversations.' })
export class Agent {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => AgentRole)
  role!: string;

  @Field(() => [String], { description: 'BCP-47 language tags.' })
  languages!: string[];

  @Field(() => [String])
  skills!: string[];

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}
