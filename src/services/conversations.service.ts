import type { Viewer } from '../auth/viewer.js';
import type { Tx } from '../db/database.js';
import { findAgent } from '../db/queries/agents.js';
import { appendConversationEvents } from '../db/queries/conversation-events.js';
import {
  findConversation,
  listInboxPage,
  updateConversation,
  type ConversationRow,
  type ConversationStatus,
  type InboxFilter,
  type InboxRow,
} from '../db/queries/conversations.js';
import { findChannel } from '../db/queries/channels.js';
import { findLatestInboundMessage, listMessagesPage, type MessagePageRow } from '../db/queries/messages.js';
import { SENDS_READ_RECEIPTS, type ReadReceipt } from '../channels/outbound.js';
import { loggableError } from '../errors/loggable-error.js';
import { badInput, forbidden, notFound } from '../errors/app-error.js';
import { conversationPublication } from '../events/publications.js';
import { publishAll } from '../events/publish.js';
import { hasRoleAtLeast, requireAgent, requireTenantMember } from './authorization.js';
import type { ChannelSecretsService } from './channel-secrets.service.js';
import type { ServiceDependencies } from './dependencies.js';
import { decodeCursor, encodeCursor, pageSize, type Page } from './pagination.js';

export interface InboxRequest extends Omit<InboxFilter, 'conversationId'> {
  first?: number | null | undefined;
  after?: string | null | undefined;
}

export interface MessagesRequest {
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}

/** Builds the read receipt for the contact's latest message, on channels that take read receipts. */
async function findReadReceiptToSend(
  tx: Tx,
  conversation: ConversationRow,
  channelSecrets: ChannelSecretsService,
  actorId: string,
): Promise<ReadReceipt | undefined> {
  const channel = await findChannel(tx, conversation.channelId);
  if (!channel || !SENDS_READ_RECEIPTS.has(channel.kind)) return undefined;
  // WhatsApp marks the earlier messages of the conversation read along with this one.
  const latest = await findLatestInboundMessage(tx, conversation.id);
  if (!latest?.providerMessageId) return undefined;
  const secrets = await channelSecrets.readForUse(tx, {
    tenantId: conversation.tenantId,
    channelId: channel.id,
    actorKind: 'agent',
    actorId,
    purpose: 'send_read_receipt',
  });
  return {
    channel: { kind: channel.kind, externalId: channel.externalId, accessToken: secrets.accessToken },
    providerMessageId: latest.providerMessageId,
  };
}

export const inboxCursor = (row: InboxRow) => encodeCursor({ micros: row.positionMicros, id: row.conversation.id });
export const messageCursor = (row: MessagePageRow) => encodeCursor({ micros: row.positionMicros, id: row.id });

export function createConversationsService(deps: ServiceDependencies, channelSecrets: ChannelSecretsService) {
  async function loadInboxRow(tenantId: string, conversationId: string): Promise<InboxRow> {
    const [row] = await deps.db.withTenant(tenantId, (tx) => listInboxPage(tx, { conversationId }, 1));
    if (!row) throw notFound('Conversation', conversationId);
    return row;
  }

  /** Runs a change to one conversation, logs it, then publishes the conversation after commit. */
  async function changeConversation(
    viewer: Viewer,
    conversationId: string,
    change: (tx: Tx, conversation: ConversationRow) => Promise<ConversationRow | undefined>,
  ): Promise<InboxRow> {
    const agent = requireAgent(viewer);
    await deps.db.withTenant(agent.tenantId, async (tx) => {
      const conversation = await findConversation(tx, conversationId);
      if (!conversation) throw notFound('Conversation', conversationId);
      return change(tx, conversation);
    });
    await publishAll(deps.bus, [conversationPublication(agent.tenantId, conversationId)], deps.log);
    return loadInboxRow(agent.tenantId, conversationId);
  }

  /** Runs off the request path; the agent's call has already succeeded. */
  async function sendReadReceipt(tenantId: string, conversationId: string, receipt: ReadReceipt): Promise<void> {
    const log = deps.log.child({ tenantId, conversationId, channelKind: receipt.channel.kind });
    try {
      const result = await deps.sender.markRead?.(receipt);
      if (result && !result.ok) log.warn({ errorCode: result.errorCode }, 'provider rejected a read receipt');
    } catch (error) {
      log.error({ error: loggableError(error) }, 'sending a read receipt failed');
    }
  }

  return {
    async listInbox(viewer: Viewer, request: InboxRequest): Promise<Page<InboxRow>> {
      const agent = requireAgent(viewer);
      const limit = pageSize(request.first);
      const cursor = request.after ? decodeCursor(request.after) : undefined;
      const rows = await deps.db.withTenant(agent.tenantId, (tx) =>
        listInboxPage(
          tx,
          { status: request.status, channelId: request.channelId, assigneeId: request.assigneeId },
          limit,
          cursor,
        ),
      );
      return { nodes: rows.slice(0, limit), hasNextPage: rows.length > limit, hasPreviousPage: Boolean(cursor) };
    },

    async getConversation(viewer: Viewer, conversationId: string): Promise<InboxRow | undefined> {
      const agent = requireAgent(viewer);
      const [row] = await deps.db.withTenant(agent.tenantId, (tx) => listInboxPage(tx, { conversationId }, 1));
      return row;
    },

    /** Lists one page of messages; a webchat visitor may list only its own conversation's. */
    async listMessages(viewer: Viewer, conversationId: string, request: MessagesRequest): Promise<Page<MessagePageRow>> {
      const member = requireTenantMember(viewer);
      if (member.kind === 'visitor' && member.conversationId !== conversationId) {
        throw forbidden('A visitor token gives access to its own conversation only.');
      }
      if ((request.first != null || request.after != null) && (request.last != null || request.before != null)) {
        throw badInput('Use either first/after or last/before, not both.');
      }
      const backward = request.last != null || request.before != null;
      const limit = backward ? pageSize(request.last, 'last') : pageSize(request.first, 'first');
      const cursorText = backward ? request.before : request.after;
      const cursor = cursorText ? decodeCursor(cursorText, backward ? 'before' : 'after') : undefined;

      const rows = await deps.db.withTenant(member.tenantId, (tx) =>
        listMessagesPage(tx, {
          conversationId,
          limit,
          direction: backward ? 'backward' : 'forward',
          ...(cursor ? { cursor } : {}),
        }),
      );
      const hasMore = rows.length > limit;
      const page = rows.slice(0, limit);
      if (backward) page.reverse();
      return {
        nodes: page,
        hasNextPage: backward ? Boolean(cursor) : hasMore,
        hasPreviousPage: backward ? hasMore : Boolean(cursor),
      };
    },

    setStatus(viewer: Viewer, conversationId: string, status: ConversationStatus, snoozedUntil: Date | null) {
      const agent = requireAgent(viewer);
      if (status === 'snoozed' && (!snoozedUntil || snoozedUntil.getTime() <= Date.now())) {
        throw badInput('Snoozing needs "snoozedUntil" in the future.', { snoozedUntil });
      }
      if (status !== 'snoozed' && snoozedUntil) {
        throw badInput('"snoozedUntil" is only valid with status SNOOZED.');
      }
      return changeConversation(viewer, conversationId, async (tx, conversation) => {
        if (conversation.status === status && conversation.snoozedUntil?.getTime() === snoozedUntil?.getTime()) {
          return conversation;
        }
        const updated = await updateConversation(tx, conversationId, { status, snoozedUntil });
        await appendConversationEvents(tx, [
          {
            tenantId: agent.tenantId,
            conversationId,
            kind: 'status_changed',
            actorAgentId: agent.agentId,
            data: { from: conversation.status, to: status },
          },
        ]);
        return updated;
      });
    },

    /**
     * Assigns a conversation to an agent, or unassigns it with null. Agents may take a
     * conversation or let go of their own; assigning others needs a supervisor or admin.
     */
    assign(viewer: Viewer, conversationId: string, assigneeId: string | null) {
      const agent = requireAgent(viewer);
      return changeConversation(viewer, conversationId, async (tx, conversation) => {
        const touchesOthers =
          (assigneeId !== null && assigneeId !== agent.agentId) ||
          (conversation.assigneeId !== null && conversation.assigneeId !== agent.agentId);
        if (touchesOthers && !hasRoleAtLeast(agent, 'supervisor')) {
          throw forbidden('Agents may only assign conversations to themselves; ask a supervisor to assign others.');
        }
        if (conversation.assigneeId === assigneeId) return conversation;
        if (assigneeId && !(await findAgent(tx, assigneeId))) throw notFound('Agent', assigneeId);
        const updated = await updateConversation(tx, conversationId, { assigneeId });
        await appendConversationEvents(tx, [
          {
            tenantId: agent.tenantId,
            conversationId,
            kind: 'assigned',
            actorAgentId: agent.agentId,
            data: { from: conversation.assigneeId, to: assigneeId },
          },
        ]);
        return updated;
      });
    },

    /**
     * Marks every message so far as read by the tenant's agents, resetting the unread count. On
     * channels with read receipts (WhatsApp) the provider then receives one, after commit. A
     * failure there is logged and does not fail the call.
     */
    async markRead(viewer: Viewer, conversationId: string) {
      const agent = requireAgent(viewer);
      let receipt: ReadReceipt | undefined;
      const row = await changeConversation(viewer, conversationId, async (tx, conversation) => {
        receipt = await findReadReceiptToSend(tx, conversation, channelSecrets, agent.agentId);
        const updated = await updateConversation(tx, conversationId, { agentLastReadAt: new Date() });
        await appendConversationEvents(tx, [
          { tenantId: agent.tenantId, conversationId, kind: 'read_by_agent', actorAgentId: agent.agentId },
        ]);
        return updated;
      });
      if (receipt) void sendReadReceipt(agent.tenantId, conversationId, receipt);
      return row;
    },

    loadInboxRow,
  };
}

export type ConversationsService = ReturnType<typeof createConversationsService>;
