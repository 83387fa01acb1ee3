import type {
  MessageEvent,
  NormalizedEvent,
  ReceiptEvent,
  ReferralEvent,
} from '../channels/normalized-event.js';
import type { Tx } from '../db/database.js';
import type { ChannelRow } from '../db/queries/channels.js';
import { findContactIdByIdentity, findOrCreateContact } from '../db/queries/contacts.js';
import { appendConversationEvents, type ConversationEventInput } from '../db/queries/conversation-events.js';
import { listMediaIdsOfProviderMessage } from '../db/queries/media-objects.js';
import {
  findConversation,
  findConversationByThreadKey,
  findOrCreateConversation,
  recordActivity,
  updateConversation,
  type ConversationRow,
} from '../db/queries/conversations.js';
import {
  applyReceipt,
  findMessage,
  findMessageByProviderId,
  insertMessageOnce,
  updateMessage,
  type MessageInsert,
  type MessageRow,
} from '../db/queries/messages.js';
import {
  conversationPublication,
  messagePublication,
  type PendingPublication,
} from '../events/publications.js';
import { planMediaCopies, queueMediaCopies } from './media-copies.js';

/** The outcome of one event: what to publish after commit, or why nothing changed. */
export interface AppliedEvent {
  publications: PendingPublication[];
  /** Set when the event changed nothing: a duplicate, or a reference to something unknown. */
  skippedBecause?: string;
  /** Attachment copies queued for the media copy worker. */
  mediaQueued?: number;
  /** Media objects whose stored files must go once the transaction has committed. */
  mediaToDelete?: string[];
}

const skipped = (reason: string): AppliedEvent => ({ publications: [], skippedBecause: reason });

/**
 * Applies one normalized event inside the tenant's transaction. Every event is idempotent:
 * applying a redelivered event again changes nothing.
 */
export function applyEvent(tx: Tx, channel: ChannelRow, event: NormalizedEvent): Promise<AppliedEvent> {
  switch (event.type) {
    case 'message':
      return applyMessage(tx, channel, event);
    case 'message_edited':
      return updateByProviderId(tx, channel, event.providerMessageId, 'message_edited', {
        text: event.text,
        editedAt: event.occurredAt,
      });
    case 'message_deleted':
      return applyMessageDeleted(tx, channel, event.providerMessageId, event.occurredAt);
    case 'message_hidden':
      return updateByProviderId(tx, channel, event.providerMessageId, 'message_hidden', {
        isHidden: event.hidden,
      });
    case 'message_reaction':
      return updateByProviderId(tx, channel, event.providerMessageId, 'message_reaction', {
        reaction: event.emoji,
      });
    case 'receipt':
      return applyReceiptEvent(tx, channel, event);
    case 'referral':
      return applyReferral(tx, channel, event);
  }
}

async function applyMessage(tx: Tx, channel: ChannelRow, event: MessageEvent): Promise<AppliedEvent> {
  const tenantId = channel.tenantId;

  if (event.parleyMessageId) {
    const own = await claimOwnEcho(tx, channel, event, event.parleyMessageId);
    if (own) return own;
  }

  const resolved = await resolveConversation(tx, channel, event);
  if ('skippedBecause' in resolved) return skipped(resolved.skippedBecause);
  const { conversation, created } = resolved;

  const media = planMediaCopies(event);
  const values: MessageInsert = {
    tenantId,
    conversationId: conversation.id,
    channelId: channel.id,
    direction: event.direction,
    authorKind: event.direction === 'inbound' ? 'contact' : 'page',
    text: event.text,
    attachments: media.attachments,
    metadata: event.metadata,
    providerMessageId: event.providerMessageId,
    status: event.direction === 'inbound' ? 'received' : 'sent',
    providerTimestamp: event.occurredAt,
  };
  const message = await insertMessageOnce(tx, values);
  if (!message) return skipped('duplicate message');
  await queueMediaCopies(tx, message, media.copies);

  const log: ConversationEventInput[] = [];
  if (created) log.push({ tenantId, conversationId: conversation.id, kind: 'opened', data: { channelId: channel.id } });
  log.push({
    tenantId,
    conversationId: conversation.id,
    kind: event.direction === 'inbound' ? 'message_received' : 'message_sent',
    messageId: message.id,
    data: { authorKind: message.authorKind },
  });

  await recordActivity(
    tx,
    conversation.id,
    message.createdAt,
    message.id,
    event.direction === 'inbound' ? event.occurredAt : undefined,
  );
  if (event.direction === 'inbound' && (conversation.status === 'resolved' || conversation.status === 'snoozed')) {
    // A visitor writing again reopens the conversation, as in Chatwoot and Front.
    await updateConversation(tx, conversation.id, { status: 'open', snoozedUntil: null });
    log.push({
      tenantId,
      conversationId: conversation.id,
      kind: 'status_changed',
      data: { from: conversation.status, to: 'open', reason: 'new_inbound_message' },
    });
  }
  await appendConversationEvents(tx, log);

  return {
    publications: [
      messagePublication(tenantId, 'added', message),
      conversationPublication(tenantId, conversation.id),
    ],
    mediaQueued: media.copies.length,
  };
}

/**
 * Matches an echo of a message Parley sent itself. The echo can arrive before the Send API
 * response is stored, so it may be what first records the provider's message id.
 */
async function claimOwnEcho(
  tx: Tx,
  channel: ChannelRow,
  event: MessageEvent,
  parleyMessageId: string,
): Promise<AppliedEvent | undefined> {
  const own = await findMessage(tx, parleyMessageId);
  if (!own || own.channelId !== channel.id) return undefined;
  if (own.providerMessageId) return skipped('echo of a message already recorded');

  const updated = await updateMessage(tx, own.id, {
    providerMessageId: event.providerMessageId,
    status: own.status === 'pending' || own.status === 'failed' ? 'sent' : own.status,
    providerTimestamp: own.providerTimestamp ?? event.occurredAt,
    errorCode: null,
    errorMessage: null,
  });
  if (!updated) return skipped('own message vanished');
  return { publications: [messagePublication(channel.tenantId, 'updated', updated)] };
}

type ResolvedConversation = { conversation: ConversationRow; created: boolean } | { skippedBecause: string };

async function resolveConversation(
  tx: Tx,
  channel: ChannelRow,
  event: MessageEvent,
): Promise<ResolvedConversation> {
  const thread = event.thread;
  if (thread.kind === 'reply_to_message') {
    const parent = await findMessageByProviderId(tx, channel.id, thread.parentProviderMessageId);
    if (!parent) return { skippedBecause: 'reply to a message Parley has not stored' };
    const conversation = await findConversation(tx, parent.conversationId);
    return conversation ? { conversation, created: false } : { skippedBecause: 'parent conversation missing' };
  }

  if (!event.contact) return { skippedBecause: 'message without contact' };
  const { contactId } = await findOrCreateContact(tx, channel.tenantId, channel.id, event.contact);
  const threadKey =
    thread.kind === 'private' ? event.contact.externalId : `${thread.postId}:${event.contact.externalId}`;
  return findOrCreateConversation(tx, {
    tenantId: channel.tenantId,
    channelId: channel.id,
    contactId,
    kind: thread.kind,
    threadKey,
    postId: thread.kind === 'comment_thread' ? thread.postId : null,
    lastActivityAt: event.occurredAt,
  });
}

/**
 * Drops a message's content because the provider deleted it, keeping only the fact. Stored copies
 * of its attachments are listed for deletion even when the message was already marked deleted,
 * so a redelivery retries a file deletion that failed the first time.
 */
async function applyMessageDeleted(tx: Tx, channel: ChannelRow, providerMessageId: string, occurredAt: Date): Promise<AppliedEvent> {
  const mediaToDelete = await listMediaIdsOfProviderMessage(tx, channel.id, providerMessageId);
  const applied = await updateByProviderId(tx, channel, providerMessageId, 'message_deleted', {
    text: null,
    attachments: [],
    deletedAt: occurredAt,
  });
  return mediaToDelete.length > 0 ? { ...applied, mediaToDelete } : applied;
}

async function updateByProviderId(
  tx: Tx,
  channel: ChannelRow,
  providerMessageId: string,
  kind: ConversationEventInput['kind'],
  values: Partial<MessageInsert>,
): Promise<AppliedEvent> {
  const message = await findMessageByProviderId(tx, channel.id, providerMessageId);
  // TODO(ingest): an edit, reaction or deletion that arrives before its message is dropped here;
  // Meta does not redeliver it once acknowledged.
  if (!message) return skipped(`${kind} for a message Parley has not stored`);
  if (matchesValues(message, values)) return skipped(`${kind} already applied`);

  const updated = await updateMessage(tx, message.id, values);
  if (!updated) return skipped('message vanished');
  await appendConversationEvents(tx, [
    { tenantId: channel.tenantId, conversationId: message.conversationId, kind, messageId: message.id },
  ]);
  return {
    publications: [
      messagePublication(channel.tenantId, 'updated', updated),
      conversationPublication(channel.tenantId, message.conversationId),
    ],
  };
}

/** True when the row already contains every value, as it does when Meta redelivers a change. */
function matchesValues(message: MessageRow, values: Partial<MessageInsert>): boolean {
  return Object.entries(values).every(
    ([column, value]) => JSON.stringify(message[column as keyof MessageRow]) === JSON.stringify(value),
  );
}

async function applyReceiptEvent(tx: Tx, channel: ChannelRow, event: ReceiptEvent): Promise<AppliedEvent> {
  const contactId = await findContactIdByIdentity(tx, channel.id, event.contact.externalId);
  if (!contactId) return skipped('receipt from an unknown contact');
  const conversation = await findConversationByThreadKey(tx, channel.id, event.contact.externalId);
  if (!conversation) return skipped('receipt for an unknown conversation');

  const changed = await applyReceipt(tx, conversation.id, event.status, event.providerMessageIds, event.watermark);
  if (changed.length === 0) return skipped('receipt changed no message');
  await appendConversationEvents(
    tx,
    changed.map((message) => ({
      tenantId: channel.tenantId,
      conversationId: conversation.id,
      kind: 'message_status_changed' as const,
      messageId: message.id,
      data: { status: message.status },
    })),
  );
  return { publications: changed.map((message) => messagePublication(channel.tenantId, 'updated', message)) };
}

async function applyReferral(tx: Tx, channel: ChannelRow, event: ReferralEvent): Promise<AppliedEvent> {
  const { contactId } = await findOrCreateContact(tx, channel.tenantId, channel.id, event.contact);
  const { conversation, created } = await findOrCreateConversation(tx, {
    tenantId: channel.tenantId,
    channelId: channel.id,
    contactId,
    kind: 'private',
    threadKey: event.contact.externalId,
    lastActivityAt: event.occurredAt,
  });
  const log: ConversationEventInput[] = [];
  if (created) log.push({ tenantId: channel.tenantId, conversationId: conversation.id, kind: 'opened', data: { channelId: channel.id } });
  log.push({
    tenantId: channel.tenantId,
    conversationId: conversation.id,
    kind: 'referral',
    data: { source: event.referral.source ?? null, type: event.referral.type ?? null, ref: event.referral.ref ?? null },
  });
  await appendConversationEvents(tx, log);
  return { publications: [conversationPublication(channel.tenantId, conversation.id)] };
}
