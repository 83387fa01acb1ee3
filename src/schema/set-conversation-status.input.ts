import { Field, GraphQLISODateTime, ID, InputType } from 'type-graphql';
import { ConversationStatus } from './enums.js';

@InputType()
export class SetConversationStatusInput {
  @Field(() => ID)
  conversationId!: string;

  @Field(() => ConversationStatus)
  status!: 'open' | 'pending' | 'snoozed' | 'resolved';

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Required with SNOOZED: when the conversation reopens.' })
  snoozedUntil?: Date | null;
}
