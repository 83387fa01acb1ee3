import { ArgsType, Field, ID, Int } from 'type-graphql';
import { ConversationStatus } from './enums.js';

@ArgsType()
export class ConversationsArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1 to 100; 25 when omitted.' })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => ConversationStatus, { nullable: true })
  status?: 'open' | 'pending' | 'snoozed' | 'resolved' | null;

  @Field(() => ID, { nullable: true })
  channelId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only conversations assigned to this agent.' })
  assigneeId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Only unassigned conversations; cannot be combined with assigneeId.' })
  unassigned?: boolean | null;
}

@ArgsType()
export class MessagesArgs {
  @Field(() => Int, { nullable: true, description: 'Oldest first from `after`; 1 to 100.' })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: 'The newest messages before `before`; 1 to 100.' })
  last?: number | null;

  @Field(() => String, { nullable: true })
  before?: string | null;
}
