import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badInput } from '../errors/app-error.js';
import { AssignConversationInput } from '../schema/assign-conversation.input.js';
import { ConversationsArgs, MessagesArgs } from '../schema/conversations.args.js';
import { Conversation, ConversationConnection } from '../schema/conversation.type.js';
import { fromGlobalId } from '../schema/global-id.js';
import { toConversation, toMessageConnection } from '../schema/mappers.js';
import { MessageConnection } from '../schema/message.type.js';
import { SetConversationStatusInput } from '../schema/set-conversation-status.input.js';
import type { RequestContext } from '../server/context.js';
import { inboxCursor } from '../services/conversations.service.js';

/** The assignee filter: null for unassigned conversations, an agent's row id, or undefined for any. */
function assigneeFilter(args: ConversationsArgs): string | null | undefined {
  if (args.unassigned) return null;
  if (args.assigneeId) return fromGlobalId('Agent', args.assigneeId, 'assigneeId');
  return undefined;
}

@Resolver(() => Conversation)
export class ConversationResolver {
  @Query(() => ConversationConnection, { description: 'The inbox: conversations by most recent activity first.' })
  async conversations(@Args(() => ConversationsArgs) args: ConversationsArgs, @Ctx() context: RequestContext): Promise<ConversationConnection> {
    if (args.unassigned && args.assigneeId) throw badInput('Use either assigneeId or unassigned, not both.');
    const page = await context.services.conversations.listInbox(context.viewer, {
      first: args.first,
      after: args.after,
      status: args.status ?? undefined,
      channelId: args.channelId ? fromGlobalId('Channel', args.channelId, 'channelId') : undefined,
      assigneeId: assigneeFilter(args),
    });
    const edges = page.nodes.map((row) => ({ cursor: inboxCursor(row), node: toConversation(row) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: page.hasPreviousPage,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }

  @Query(() => Conversation, { nullable: true })
  async conversation(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext): Promise<Conversation | null> {
    const row = await context.services.conversations.getConversation(context.viewer, fromGlobalId('Conversation', id));
    return row ? toConversation(row) : null;
  }

  @FieldResolver(() => MessageConnection, { description: 'Messages in chronological order.' })
  async messages(
    @Root() conversation: Conversation,
    @Args(() => MessagesArgs) args: MessagesArgs,
    @Ctx() context: RequestContext,
  ): Promise<MessageConnection> {
    return toMessageConnection(await context.services.conversations.listMessages(context.viewer, conversation.rowId, args));
  }

  @Mutation(() => Conversation)
  async setConversationStatus(
    @Arg('input', () => SetConversationStatusInput) input: SetConversationStatusInput,
    @Ctx() context: RequestContext,
  ): Promise<Conversation> {
    const row = await context.services.conversations.setStatus(
      context.viewer,
      fromGlobalId('Conversation', input.conversationId, 'conversationId'),
      input.status,
      input.snoozedUntil ?? null,
    );
    return toConversation(row);
  }

  @Mutation(() => Conversation)
  async assignConversation(
    @Arg('input', () => AssignConversationInput) input: AssignConversationInput,
    @Ctx() context: RequestContext,
  ): Promise<Conversation> {
    const row = await context.services.conversations.assign(
      context.viewer,
      fromGlobalId('Conversation', input.conversationId, 'conversationId'),
      input.assigneeId ? fromGlobalId('Agent', input.assigneeId, 'assigneeId') : null,
    );
    return toConversation(row);
  }

  @Mutation(() => Conversation, { description: "Resets the conversation's unread count for the tenant's agents." })
  async markConversationRead(
    @Arg('conversationId', () => ID) conversationId: string,
    @Ctx() context: RequestContext,
  ): Promise<Conversation> {
    const row = await context.services.conversations.markRead(context.viewer, fromGlobalId('Conversation', conversationId, 'conversationId'));
    return toConversation(row);
  }
}
