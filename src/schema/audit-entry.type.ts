import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { PageInfo } from './page-info.type.js';

@ObjectType({ description: 'One privileged action: a login, role change, channel creation, token use, export, erasure or tenant change.' })
export class AuditEntry {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'What was done, in snake_case, such as agent_role_changed or channel_token_used.' })
  action!: string;

  @Field(() => String, { description: 'agent, operator, system or meta.' })
  actorKind!: string;

  @Field(() => ID, { nullable: true, description: "The actor's id: an Agent id for agents; null for the system." })
  actorId!: string | null;

  @Field(() => String, { nullable: true, description: 'What was acted on, such as agent, channel or tenant.' })
  targetKind!: string | null;

  @Field(() => String, { nullable: true, description: 'Global id for agents, channels, contacts and conversations; otherwise the stored id.' })
  targetId!: string | null;

  @Field(() => GraphQLJSONObject, { description: 'Ids, counts and outcomes; never the personal data acted on.' })
  data!: Record<string, unknown>;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

@ObjectType()
export class AuditEntryEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => AuditEntry)
  node!: AuditEntry;
}

@ObjectType()
export class AuditEntryConnection {
  @Field(() => [AuditEntryEdge])
  edges!: AuditEntryEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
