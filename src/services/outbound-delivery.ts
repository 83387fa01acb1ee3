import type { AgentViewer } from '../auth/viewer.js';
import type { Attachment } from '../channels/normalized-event.js';
import type { OutboundChannel, OutboundMessage, SendResult } from '../channels/outbound.js';
import type { Tx } from '../db/database.js';
import { findChannel, type ChannelRow } from '../db/queries/channels.js';
import { appendConversationEvents } from '../db/queries/conversation-events.js';
import { findConversation, recordActivity, updateConversation, type ConversationRow } from '../db/queries/conversations.js';
import {
  deleteStrayCopy,
  findMessage,
  insertMessageOnce,
  markSendFailed,
  updateMessage,
  type MessageRow,
} from '../db/queries/messages.js';
import { lockProviderMessageId } from '../db/queries/pending-message-updates.js';
import { contactIdentities } from '../db/schema.js';
import { notFound } from '../errors/app-error.js';
import { conversationPublication, messagePublication } from '../events/publications.js';
import { publishAll } from '../events/publish.js';
import { applyPendingUpdates } from '../ingest/message-updates.js';
import { and, eq } from 'drizzle-orm';
import type { ServiceDependencies } from './dependencies.js';

// The steps every agent message shares, whatever it carries: find whom it goes to, store it as
// PENDING and commit, call the provider, then record the outcome.

/** A conversation with its channel and the contact's id on that channel. */
export interface ReplyTarget {
  conversation: ConversationRow;
  channel: ChannelRow;
  recipientExternalId: string;
}

export async function loadReplyTarget(tx: Tx, conversationId: string): Promise<ReplyTarget> {
  const conversation = await findConversation(tx, conversationId);
  if (!conversation) throw notFound('Conversation', conversationId);
  const channel = await findChannel(tx, conversation.channelId);
  if (!channel) throw notFound('Channel', conversation.channelId);
  const [identity] = await tx
    .select({ externalId: contactIdentities.externalId })
    .from(contactIdentities)
    .where(and(eq(contactIdentities.contactId, conversation.contactId), eq(contactIdentities.channelId, channel.id)));
  if (!identity) throw notFound('Contact identity on channel', channel.id);
  return { conversation, channel, recipientExternalId: identity.externalId };
}

/** Builds the channel as senders need it, with the access token read through the channel secrets service. */
export function outboundChannelOf(channel: ChannelRow, accessToken: string | null): OutboundChannel {
  return { kind: channel.kind, externalId: channel.externalId, accessToken };
}

/** Stores an agent's message as PENDING, moves the conversation's activity and logs it. */
export async function storeAgentMessage(
  tx: Tx,
  agent: AgentViewer,
  target: ReplyTarget,
  content: { text: string | null; attachments: Attachment[]; metadata: Record<string, unknown> },
): Promise<MessageRow> {
  const { conversation, channel } = target;
  const message = await insertMessageOnce(tx, {
    tenantId: agent.tenantId,
    conversationId: conversation.id,
    channelId: channel.id,
    direction: 'outbound',
    authorKind: 'agent',
    authorAgentId: agent.agentId,
    status: 'pending',
    ...content,
  });
  if (!message) throw new Error('insert of an outbound message returned no row');
  await recordActivity(tx, conversation.id, message.createdAt, message.id);
  // Replying implies the agent has read the conversation so far.
  await updateConversation(tx, conversation.id, { agentLastReadAt: message.createdAt });
  await appendConversationEvents(tx, [
    {
      tenantId: agent.tenantId,
      conversationId: conversation.id,
      kind: 'message_sent',
      actorAgentId: agent.agentId,
      messageId: message.id,
      data: { authorKind: 'agent', status: 'pending' },
    },
  ]);
  return message;
}

/**
 * Publishes a stored PENDING message, then sends it and records the outcome with
 * createSendAndRecord.
 */
export function createOutboundDelivery(deps: ServiceDependencies) {
  const sendAndRecord = createSendAndRecord(deps);
  return async function deliver(tenantId: string, message: MessageRow, outbound: OutboundMessage): Promise<MessageRow> {
    await publishAll(
      deps.bus,
      [messagePublication(tenantId, 'added', message), conversationPublication(tenantId, message.conversationId)],
      deps.log,
    );
    return sendAndRecord(tenantId, message, outbound);
  };
}

/**
 * Sends a stored and published PENDING message, records the outcome and publishes the change. A
 * provider failure is stored on the message (status FAILED with the provider's code and message)
 * and returned, never thrown, so the agent reads it on the message itself.
 */
export function createSendAndRecord(deps: ServiceDependencies) {
  return async function sendAndRecord(tenantId: string, message: MessageRow, outbound: OutboundMessage): Promise<MessageRow> {
    const result = await deps.sender.send(outbound);
    if (!result.ok) {
      deps.log.warn(
        { tenantId, messageId: message.id, channelKind: outbound.channel.kind, errorCode: result.errorCode },
        'provider rejected an outbound message',
      );
    }
    const final = await recordSendResult(tenantId, message, result);
    await publishAll(deps.bus, [messagePublication(tenantId, 'updated', final)], deps.log);
    return final;
  };

  function recordSendResult(tenantId: string, sent: MessageRow, result: SendResult): Promise<MessageRow> {
    return deps.db.withTenant(tenantId, async (tx) => {
      // Taken before reading the row: a webhook naming this provider id (an echo, a status) either
      // finished claiming the message or waits until this transaction has recorded the id.
      if (result.ok) await lockProviderMessageId(tx, sent.channelId, result.providerMessageId);
      const current = await findMessage(tx, sent.id);
      if (!current) throw notFound('Message', sent.id);
      // The provider's echo or status already recorded the id and maybe a later status: the
      // message went out, even if this call then failed or timed out.
      if (current.providerMessageId) return current;

      const updated = result.ok
        ? await recordProviderId(tx, current, result.providerMessageId, result.sentAt)
        : await markSendFailed(tx, current.id, {
            errorCode: result.errorCode,
            errorMessage: result.errorMessage,
            metadata: {
              ...(current.metadata as object),
              ...(result.errorSubcode !== undefined ? { errorSubcode: result.errorSubcode } : {}),
            },
          });
      if (!updated) return (await findMessage(tx, sent.id)) ?? current;

      await appendConversationEvents(tx, [
        {
          tenantId,
          conversationId: updated.conversationId,
          kind: 'message_status_changed',
          messageId: updated.id,
          data: { status: updated.status, ...(result.ok ? {} : { errorCode: result.errorCode }) },
        },
      ]);
      // Statuses that arrived before this call returned were parked; they apply now.
      return result.ok ? applyPendingUpdates(tx, { id: updated.channelId, tenantId }, updated) : updated;
    });
  }
}

async function recordProviderId(tx: Tx, current: MessageRow, providerMessageId: string, sentAt: Date) {
  await deleteStrayCopy(tx, current.channelId, providerMessageId, current.id);
  return updateMessage(tx, current.id, {
    status: current.status === 'pending' ? 'sent' : current.status,
    providerMessageId,
    providerTimestamp: sentAt,
  });
}
