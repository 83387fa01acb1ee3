import { Arg, Ctx, ID, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import type { Topic } from '../events/event-bus.js';
import { filterAsyncIterator } from '../events/filter-iterator.js';
import {
  messageFromJson,
  type ConversationPublication,
  type MessagePublication,
  type TypingPublication,
} from '../events/publications.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { fromGlobalId } from '../schema/global-id.js';
import { toConversation, toMessage, toTypingIndicator } from '../schema/mappers.js';
import { Conversation } from '../schema/conversation.type.js';
import { Message } from '../schema/message.type.js';
import { TypingIndicator } from '../schema/typing-indicator.type.js';
import type { RequestContext } from '../server/context.js';
import { requireAgent, requireTenantMember } from '../services/authorization.js';

type Data = SubscribeResolverData<unknown, { conversationId?: string | null }, RequestContext>;

/** The kind of subscriber a payload goes to: an agent of the tenant, or the visitor of one conversation. */
type Subscriber = { kind: 'agent' } | { kind: 'visitor' };

/**
 * Subscribes the viewer to its own tenant's topic only; the tenant comes from the verified
 * token, never from an argument. For an agent the optional conversationId narrows further; a
 * visitor always gets its own conversation, whatever argument it passes. Without `visitors`,
 * a visitor token gets FORBIDDEN.
 */
async function subscribeForViewer<T>(
  data: Data,
  topic: Topic,
  accept: (payload: T, conversationRowId: string | undefined, subscriber: Subscriber) => boolean,
  options: { visitors: boolean } = { visitors: false },
): Promise<AsyncIterableIterator<T>> {
  const viewer = options.visitors ? requireTenantMember(data.context.viewer) : requireAgent(data.context.viewer);
  const conversationRowId =
    viewer.kind === 'visitor'
      ? viewer.conversationId
      : data.args.conversationId
        ? fromGlobalId('Conversation', data.args.conversationId, 'conversationId')
        : undefined;
  const subscriber: Subscriber = { kind: viewer.kind };
  const source = await data.context.eventBus.subscribe(viewer.tenantId, topic);
  return filterAsyncIterator(source, (payload): payload is T => accept(payload as T, conversationRowId, subscriber));
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

/** Agents get the visitor's typing and the visitor gets the agents', never the own side's. */
const isTypingForSubscriber = (payload: TypingPublication, conversationRowId: string | undefined, subscriber: Subscriber) =>
  (!conversationRowId || payload.conversationId === conversationRowId) &&
  (subscriber.kind === 'visitor' ? payload.actor !== 'visitor' : payload.actor === 'visitor');

@Resolver()
export class SubscriptionResolver {
  @Subscription(() => Message, {
    description:
      "New messages in one conversation, or in all of the tenant's when conversationId is omitted. A webchat visitor always gets its own conversation's.",
    subscribe: (data: Data) => subscribeForViewer(data, 'message', isMessageChange('added'), { visitors: true }),
  })
  messageAdded(
    @Root() payload: MessagePublication,
    @Arg('conversationId', () => ID, { nullable: true }) _conversationId: string | null,
  ): Message {
    return toMessage(messageFromJson(requireEvent(payload).message));
  }

  @Subscription(() => Message, {
    description:
      "Changes to existing messages: delivery status, edits, deletions, reactions. A webchat visitor always gets its own conversation's.",
    subscribe: (data: Data) => subscribeForViewer(data, 'message', isMessageChange('updated'), { visitors: true }),
  })
  messageUpdated(
    @Root() payload: MessagePublication,
    @Arg('conversationId', () => ID, { nullable: true }) _conversationId: string | null,
  ): Message {
    return toMessage(messageFromJson(requireEvent(payload).message));
  }

  @Subscription(() => Conversation, {
    description: 'Conversations whose status, assignee, unread count or last message changed. Agents only.',
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
    // Loaded with the subscriber's own context, so it gets what its queries would return.
    const row = await context.services.conversations.loadInboxRow(
      requireAgent(context.viewer).tenantId,
      requireEvent(payload).conversationId,
    );
    return toConversation(row);
  }

  @Subscription(() => TypingIndicator, {
    description:
      "Typing in one conversation, or in all of the tenant's when an agent omits conversationId. Agents get the visitor's typing; a webchat visitor gets the agents' in its own conversation.",
    subscribe: (data: Data) => subscribeForViewer(data, 'typing', isTypingForSubscriber, { visitors: true }),
  })
  typingChanged(
    @Root() payload: TypingPublication,
    @Arg('conversationId', () => ID, { nullable: true }) _conversationId: string | null,
  ): TypingIndicator {
    return toTypingIndicator(payload);
  }
}
