import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { Attachment } from './attachment.type.js';
import { MessageAuthorKind, MessageDirection, MessageStatus } from './enums.js';
import { PageInfo } from './page-info.type.js';

@ObjectType({ description: 'Why the provider rejected an outbound message.' })
export class MessageError {
  @Field(() => String, { description: "Meta's error code, or NETWORK_ERROR, TIMEOUT, INVALID_RESPONSE, NO_ACCESS_TOKEN." })
  code!: string;

  @Field(() => String)
  message!: string;
}

@ObjectType()
export class Message {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  conversationId!: string;

  @Field(() => MessageDirection)
  direction!: string;

  @Field(() => MessageAuthorKind)
  authorKind!: string;

  /** Raw agent id for the `author` field resolver; not exposed. */
  authorAgentId!: string | null;

  /** Raw contact id for the `authorContact` field resolver; not exposed. */
  authorContactId!: string | null;

  @Field(() => String, { nullable: true, description: 'Null for attachment-only and deleted messages.' })
  text!: string | null;

  @Field(() => [Attachment])
  attachments!: Attachment[];

  @Field(() => GraphQLJSONObject, { description: 'Channel extras: quick-reply or postback payloads, referral, replied-to message, post id.' })
  metadata!: Record<string, unknown>;

  @Field(() => MessageStatus)
  status!: string;

  @Field(() => MessageError, { nullable: true })
  error!: MessageError | null;

  @Field(() => String, { nullable: true, description: "The contact's reaction emoji." })
  reaction!: string | null;

  @Field(() => Boolean, { description: 'True when the comment is hidden on the page or Instagram media.' })
  isHidden!: boolean;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the page liked this comment through Parley.' })
  likedAt!: Date | null;

  @Field(() => ID, {
    nullable: true,
    description: "The private reply sent to this comment's author; Meta allows one per comment.",
  })
  privateReplyId!: string | null;

  @Field(() => String, { nullable: true })
  providerMessageId!: string | null;

  @Field(() => GraphQLISODateTime, { description: 'When the provider says the message was sent, else when Parley stored it.' })
  sentAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  editedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  deletedAt!: Date | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

@ObjectType()
export class MessageEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Message)
  node!: Message;
}

@ObjectType()
export class MessageConnection {
  @Field(() => [MessageEdge])
  edges!: MessageEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
