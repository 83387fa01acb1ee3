import { Arg, Ctx, ID, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import type { Topic } from '../events/event-bus.js';
import { filterAsyncIterator } from '../events/filter-iterator.js';
import { messageFromJson, type ConversationPublication, type MessagePublication } from '../events/publications.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { fromGlobalId } from '../schema/global-id.js';
import { toConversation, toMessage } from '../schema/mappers.js';
import { Conversation } from '../schema/conversation.type.js';
import { Message } from '../schema/message.type.js';
import type { RequestContext } from '../server/context.js';
import { requireAgent } from '../services/authorization.js';

type Data = SubscribeResolverData<unknown, { conversationId?: string | null }, RequestContext>;

/**
 * Subscribes the viewer to its own tenant's topic only; the tenant comes from the verified
 * token, never from an argument. The optional conversationId narrows further.
 */
async function subscribeForViewer<T>(
  data: Data,
  topic: Topic,
  accept: (payload: T, conversationRowId: string | undefined) => boolean,
): Promise<AsyncIterableIterator<T>> {
  const agent = requireAgent(data.context.viewer);
  const conversationRowId = data.args.conversationId
    ? fromGlobalId('Conversation', data.args.conversationId, 'conversationId')
    : undefined;
  const source = await data.context.eventBus.subscribe(agent.tenantId, topic);
  return filterAsyncIterator(source, (payload): payload is T => accept(payload as T, conversationRowId));
}

/**
 * Returns the event a subscription resolver was called with. Over HTTP, Apollo runs a subscription
 * operation like a query, with no event at all; that gets a clear error instead of a TypeError.
 */
function requireEvent<T>(payload: T | undefined): T {
  if (payload === undefined || payload === null) {
    throw new AppError(ErrorCode.BadRequest, 'Subscriptions are served over WebSocket (graphql-ws) at /graphql, not over HTTP.');
  }
  return payload;
}

const isMessageChange =
  (change: MessagePublication['change']) =>
  (payload: MessagePublication, conversationRowId: string | undefined) =>
    payload.change === change && (!conversationRowId || payload.message.conversationId === conversationRowId);

@Resolver()
export class SubscriptionResolver {
  @Subscription(() => Message, {
    description: "New messages in one conversation, or in all of the tenant's when conversationId is omitted.",
    subscribe: (data: Data) => subscribeForViewer(data, 'message', isMessageChange('added')),
  })
  messageAdded(
    @Root() payload: MessagePublication,
    @Arg('conversationId', () => ID, { nullable: true }) _conversationId: string | null,
  ): Message {
    return toMessage(messageFromJson(requireEvent(payload).message));
  }

  @Subscription(() => Message, {
    description: 'Changes to existing messages: delivery status, edits, deletions, reactions.',
    subscribe: (data: Data) => subscribeForViewer(data, 'message', isMessageChange('updated')),
  })
  messageUpdated(
    @Root() payload: MessagePublication,
    @Arg('conversationId', () => ID, { nullable: true }) _conversationId: string | null,
  ): Message {
    return toMessage(messageFromJson(requireEvent(payload).message));
  }

  @Subscription(() => Conversation, {
    description: 'Conversations whose status, assignee, unread count or last message changed.',
    subscribe: (data: Data) =>
      subscribeForViewer<ConversationPublication>(data, 'conversation', (payload, conversationRowId) =>
        !conversationRowId || payload.conversationId === conversationRowId,
      ),
  })
  async conversationUpdated(
    @Root() payload: ConversationPublication,
    @Arg('conversationId', () => ID, { nullable: true }) _conversationId: string | null,
    @Ctx() context: RequestContext,
  ): Promise<Conversation> {
    // Loaded with the subscriber's own context, so what it sees is what its queries would show.
    const row = await context.services.conversations.loadInboxRow(
      requireAgent(context.viewer).tenantId,
      requireEvent(payload).conversationId,
    );
    return toConversation(row);
  }
}
