import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { MessagesArgs } from '../schema/conversations.args.js';
import { toMessage, toMessageConnection, toVisitorConversation } from '../schema/mappers.js';
import { Message, MessageConnection } from '../schema/message.type.js';
import { VisitorConversation } from '../schema/visitor-conversation.type.js';
import type { RequestContext } from '../server/context.js';

/** Operations for webchat visitors; each needs a visitor token and acts on its own conversation only. */
@Resolver(() => VisitorConversation)
export class VisitorResolver {
  @Query(() => VisitorConversation, { description: "The webchat visitor's own conversation." })
  async visitorConversation(@Ctx() context: RequestContext): Promise<VisitorConversation> {
    return toVisitorConversation(await context.services.visitor.getConversation(context.viewer));
  }

  @FieldResolver(() => MessageConnection, { description: 'Messages in chronological order.' })
  async messages(
    @Root() conversation: VisitorConversation,
    @Args(() => MessagesArgs) args: MessagesArgs,
    @Ctx() context: RequestContext,
  ): Promise<MessageConnection> {
    return toMessageConnection(await context.services.conversations.listMessages(context.viewer, conversation.rowId, args));
  }

  @Mutation(() => Message, {
    description:
      'Sends a visitor message. At most 20 per 10 seconds; more give RATE_LIMITED with extensions.retryAfterSeconds.',
  })
  async sendVisitorMessage(
    @Arg('text', () => String) text: string,
    @Arg('clientMessageId', () => String, {
      nullable: true,
      description: "The widget's id for the message, 8 to 64 of A-Z a-z 0-9 _ -; a resend with the same id is stored once.",
    })
    clientMessageId: string | null,
    @Ctx() context: RequestContext,
  ): Promise<Message> {
    return toMessage(await context.services.visitor.sendMessage(context.viewer, text, clientMessageId));
  }

  @Mutation(() => VisitorConversation, {
    description: 'Sets the name and email the visitor gave; an omitted argument keeps its value.',
  })
  async updateVisitorProfile(
    @Arg('name', () => String, { nullable: true }) name: string | null,
    @Arg('email', () => String, { nullable: true }) email: string | null,
    @Ctx() context: RequestContext,
  ): Promise<VisitorConversation> {
    return toVisitorConversation(await context.services.visitor.updateProfile(context.viewer, { name, email }));
  }

  @Mutation(() => VisitorConversation, {
    description: 'Hands the conversation from the bot to the agents: it becomes open and unassigned, handler HUMAN.',
  })
  async requestHuman(@Ctx() context: RequestContext): Promise<VisitorConversation> {
    return toVisitorConversation(await context.services.visitor.requestHuman(context.viewer));
  }
}
