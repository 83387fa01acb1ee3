import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: "Aggregate counts of a tenant's data; the operator sees these, never the data itself." })
export class TenantUsage {
  @Field(() => Int)
  agents!: number;

  @Field(() => Int)
  channels!: number;

  @Field(() => Int)
  conversations!: number;

  @Field(() => Int)
  messages!: number;

  @Field(() => Int, { description: 'Messages stored in the last 30 days, inbound and outbound.' })
  messagesLast30Days!: number;
}
