import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { DataSubjectKind, DataSubjectRequestKind } from './enums.js';

@ObjectType({ description: "A recorded access, rectification or erasure request about a person, without any of the person's data." })
export class DataSubjectRequest {
  @Field(() => ID)
  id!: string;

  @Field(() => DataSubjectKind)
  subjectKind!: string;

  @Field(() => ID, { description: 'The Contact or Agent id; after an erasure it points at nothing.' })
  subjectId!: string;

  @Field(() => DataSubjectRequestKind)
  kind!: string;

  @Field(() => String, { description: 'completed or failed.' })
  status!: string;

  @Field(() => ID, { nullable: true, description: 'The admin who handled it; null for requests from Meta.' })
  requestedByAgentId!: string | null;

  @Field(() => GraphQLJSONObject, { description: 'Scope and outcome: field names, counts of what was deleted, errors.' })
  details!: Record<string, unknown>;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  completedAt!: Date | null;
}
