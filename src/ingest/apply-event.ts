import type {
  MessageDeletedEvent,
  MessageEvent,
  MessageStatusEvent,
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
  findStoredProviderIds,
  insertMessageOnce,
  ParleyMetadataKey,
  updateMessage,
  type MessageInsert,
} from '../db/queries/messages.js';
import { insertPendingUpdateOnce, lockProviderMessageId } from '../db/queries/pending-message-updates.js';
import { conversationPublication, messagePublication } from '../events/publications.js';
import { planMediaCopies, queueMediaCopies } from './media-copies.js';
import { applyMessageUpdate, applyPendingUpdates, skipped, type AppliedEvent } from './message-updates.js';

export type { AppliedEvent } from './message-updates.js';

/**
 * Applies one normalized event inside the tenant's transaction. Every event is idempotent:
 * applying a redelivered event again changes nothing.
 */
export function applyEvent(tx: Tx, channel: ChannelRow, event: NormalizedEvent): Promise<AppliedEvent> {
  switch (event.type) {
    case 'message':
      return applyMessage(tx, channel, event);
    case 'message_deleted':
      return applyMessageDeleted(tx, channel, event);
    case 'message_edited':
    case 'message_hidden':
    case 'message_reaction':
    case 'message_status':
      return applyMessageUpdate(tx, channel, event);
    case 'receipt':
      return applyReceiptEvent(tx, channel, event);
    case 'referral':
      return applyReferral(tx, channel, event);
  }
}

/**
 * Drops a message's content because the provider deleted it. Stored copies of its attachments are
 * listed for deletion after commit, even when the message was already marked deleted, so a
 * redelivery retries a file deletion that failed the first time.
 */
async function applyMessageDeleted(tx: Tx, channel: ChannelRow, event: MessageDeletedEvent): Promise<AppliedEvent> {
  const mediaToDelete = await listMediaIdsOfProviderMessage(tx, channel.id, event.providerMessageId);
  const applied = await applyMessageUpdate(tx, channel, event);
  return mediaToDelete.length > 0 ? { ...applied, mediaToDelete } : applied;
}

async function applyMessage(tx: Tx, channel: ChannelRow, event: MessageEvent): Promise<AppliedEvent> {
  const tenantId = channel.tenantId;
  // Held until commit, so an update naming this message either is parked before it is stored or
  // sees it stored (see lockProviderMessageId).
  await lockProviderMessageId(tx, channel.id, event.providerMessageId);

  if (event.parleyMessageId) {
    const own = await claimOwnEcho(tx, channel, event, event.parleyMessageId);
    if (own) return own;
  }

  // Checked before the contact and conversation are created, so a redelivered or reused id
  // leaves no empty conversation behind.
  if (await findMessageByProviderId(tx, channel.id, event.providerMessageId)) return skipped('duplicate message');

  const resolved = await resolveConversation(tx, channel, event);
  if ('skippedBecause' in resolved) return skipped(resolved.skippedBecause);
  const { conversation, created, authorContactId } = resolved;

  const media = planMediaCopies(event);
  const values: MessageInsert = {
    tenantId,
    conversationId: conversation.id,
    channelId: channel.id,
    direction: event.direction,
    authorKind: event.direction === 'inbound' ? 'contact' : 'page',
    text: event.text,
    attachments: media.attachments,
    metadata: authorContactId ? { ...event.metadata, [ParleyMetadataKey.authorContactId]: authorContactId } : event.metadata,
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
  // After the log entries above, so the conversation's history lists the message before its changes.
  const final = await applyPendingUpdates(tx, channel, message);

  return {
    publications: [
      messagePublication(tenantId, 'added', final),
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
  const final = await applyPendingUpdates(tx, channel, updated);
  return { publications: [messagePublication(channel.tenantId, 'updated', final)] };
}

type ResolvedConversation =
  | {
      conversation: ConversationRow;
      created: boolean;
      /** Set when the message's author is a contact other than the conversation's. */
      authorContactId?: string;
    }
  | { skippedBecause: string };

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

  if (thread.kind === 'comment_thread' && thread.parentCommentId) {
    // A reply under a stored comment joins that comment's conversation, whoever writes it. A
    // reply under a comment Parley never stored falls back to the author's own thread on the post.
    const parent = await findMessageByProviderId(tx, channel.id, thread.parentCommentId);
    const conversation = parent ? await findConversation(tx, parent.conversationId) : undefined;
    if (conversation) {
      return {
        conversation,
        created: false,
        ...(conversation.contactId !== contactId ? { authorContactId: contactId } : {}),
      };
    }
  }
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

async function applyReceiptEvent(tx: Tx, channel: ChannelRow, event: ReceiptEvent): Promise<AppliedEvent> {
  const parkedCount = await parkReceiptForUnknownIds(tx, channel, event);
  const contactId = await findContactIdByIdentity(tx, channel.id, event.contact.externalId);
  const conversation = contactId ? await findConversationByThreadKey(tx, channel.id, event.contact.externalId) : undefined;

  // Instagram names the newest message seen instead of a watermark: its time becomes the watermark.
  let watermark = event.watermark;
  if (conversation && event.upToProviderMessageId) {
    const newestSeen = await findMessageByProviderId(tx, channel.id, event.upToProviderMessageId);
    if (!newestSeen || newestSeen.conversationId !== conversation.id) return skipped('receipt for a message Parley has not stored');
    watermark = newestSeen.providerTimestamp ?? newestSeen.createdAt;
  }
  const changed = conversation
    ? await applyReceipt(tx, conversation.id, event.status, event.providerMessageIds, watermark)
    : [];
  if (changed.length === 0) {
    if (parkedCount > 0) return { publications: [], deferredBecause: 'receipt for messages not stored yet' };
    return skipped(conversation ? 'receipt changed no message' : 'receipt for an unknown conversation');
  }

  await appendConversationEvents(
    tx,
    changed.map((message) => ({
      tenantId: channel.tenantId,
      conversationId: message.conversationId,
      kind: 'message_status_changed' as const,
      messageId: message.id,
      data: { status: message.status },
    })),
  );
  return { publications: changed.map((message) => messagePublication(channel.tenantId, 'updated', message)) };
}

/**
 * Parks the receipt's named ids that the channel has not stored, such as a delivery that arrived
 * before the Send API response recorded the message's id. Returns how many were parked.
 */
async function parkReceiptForUnknownIds(tx: Tx, channel: ChannelRow, event: ReceiptEvent): Promise<number> {
  // Sorted, so two transactions taking several of these locks take them in the same order.
  const ids = [...new Set(event.providerMessageIds)].sort();
  if (ids.length === 0) return 0;
  for (const id of ids) await lockProviderMessageId(tx, channel.id, id);
  const stored = await findStoredProviderIds(tx, channel.id, ids);

  let parked = 0;
  for (const id of ids.filter((candidate) => !stored.has(candidate))) {
    const update: MessageStatusEvent = {
      type: 'message_status',
      channel: event.channel,
      providerMessageId: id,
      status: event.status,
      // Statuses do not use the time; a fixed one keeps a redelivered receipt identical when parked.
      occurredAt: event.watermark ?? new Date(0),
    };
    const inserted = await insertPendingUpdateOnce(tx, { tenantId: channel.tenantId, channelId: channel.id, providerMessageId: id, event: update });
    if (inserted) parked += 1;
  }
  return parked;
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
