import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { ConversationHandler, ConversationStatus } from './enums.js';
import { VisitorProfile } from './visitor-profile.type.js';

@ObjectType({ description: "A webchat visitor's own conversation, without agent, assignee or channel data." })
export class VisitorConversation {
  @Field(() => ID)
  id!: string;

  /** Row id, for the `messages` field resolver; not exposed. */
  rowId!: string;

  @Field(() => ConversationStatus)
  status!: string;

  @Field(() => ConversationHandler)
  handler!: string;

  @Field(() => VisitorProfile)
  visitor!: VisitorProfile;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}
