import { Field, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import { Agent } from './agent.type.js';
import { Channel } from './channel.type.js';
import { Contact } from './contact.type.js';
import { ConversationHandler, ConversationKind, ConversationStatus } from './enums.js';
import { Message } from './message.type.js';
import { PageInfo } from './page-info.type.js';

@ObjectType()
export class Conversation {
  @Field(() => ID)
  id!: string;

  /** Row id, for the `messages` field resolver; not exposed. */
  rowId!: string;

  @Field(() => ConversationKind)
  kind!: string;

  @Field(() => ConversationStatus)
  status!: string;

  @Field(() => ConversationHandler)
  handler!: string;

  @Field(() => String, { nullable: true, description: 'The post a comment thread is on.' })
  postId!: string | null;

  @Field(() => Contact)
  contact!: Contact;

  @Field(() => Channel)
  channel!: Channel;

  @Field(() => Agent, { nullable: true })
  assignee!: Agent | null;

  @Field(() => Message, { nullable: true })
  lastMessage!: Message | null;

  @Field(() => Int, { description: 'Inbound messages since an agent last read or replied in the conversation.' })
  unreadCount!: number;

  @Field(() => GraphQLISODateTime)
  lastActivityAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  snoozedUntil!: Date | null;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description:
      "When free-form replies stop being allowed: on WhatsApp 24 hours after the contact's last message; after it only sendTemplate works. " +
      'Null on channels without such a window, and on WhatsApp before the contact wrote.',
  })
  replyWindowClosesAt!: Date | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

@ObjectType()
export class ConversationEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Conversation)
  node!: Conversation;
}

@ObjectType()
export class ConversationConnection {
  @Field(() => [ConversationEdge])
  edges!: ConversationEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
