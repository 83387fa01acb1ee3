import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import { DataSubjectRequest } from './data-subject-request.type.js';

@ObjectType({ description: 'All data Parley stores about one person, in two formats with the same content.' })
export class DataExportPayload {
  @Field(() => DataSubjectRequest)
  request!: DataSubjectRequest;

  @Field(() => GraphQLJSONObject, { description: 'The machine-readable export (format "parley-data-export", version 1).' })
  json!: Record<string, unknown>;

  @Field(() => String, { description: 'The same export as one self-contained HTML page.' })
  html!: string;
}
