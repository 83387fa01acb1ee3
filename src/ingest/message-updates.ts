import type { MessageStatusEvent, MessageUpdateEvent } from '../channels/normalized-event.js';
import type { Tx } from '../db/database.js';
import type { ChannelRow } from '../db/queries/channels.js';
import { appendConversationEvents, type ConversationEventInput } from '../db/queries/conversation-events.js';
import {
  findMessage,
  findMessageByProviderId,
  updateDeliveryStatus,
  updateMessage,
  type MessageInsert,
  type MessageRow,
} from '../db/queries/messages.js';
import { insertPendingUpdateOnce, lockProviderMessageId, takePendingUpdates } from '../db/queries/pending-message-updates.js';
import { conversationPublication, messagePublication, type PendingPublication } from '../events/publications.js';

// Updates that name a stored message by the provider's id: edits, deletions, hiding, reactions
// and delivery statuses. Providers do not promise order, so an update can arrive before the message
// it names (a WhatsApp status before the send call returned, an edit before a slow webhook of the
// original). Such an update is parked in pending_message_updates and applied once the message row
// has that provider id, whichever path stores it.

export type ChannelScope = Pick<ChannelRow, 'id' | 'tenantId'>;

/** The outcome of one event: what to publish after commit, or why nothing changed yet. */
export interface AppliedEvent {
  publications: PendingPublication[];
  /** Set when the event changed nothing: a duplicate, or a reference to something unknown. */
  skippedBecause?: string;
  /** Set when the event was kept to be applied once the message it names is stored. */
  deferredBecause?: string;
  /** Attachment copies queued for the media copy worker. */
  mediaQueued?: number;
  /** Media objects whose stored files must go once the transaction has committed. */
  mediaToDelete?: string[];
}

export const skipped = (reason: string): AppliedEvent => ({ publications: [], skippedBecause: reason });

/**
 * Applies an update to the message it names, or parks it when the channel has no message with
 * that id yet. A status carrying Parley's own message id first claims that message, because the
 * status can arrive before the send call that would record the provider's id has returned.
 */
export async function applyMessageUpdate(tx: Tx, channel: ChannelScope, event: MessageUpdateEvent): Promise<AppliedEvent> {
  await lockProviderMessageId(tx, channel.id, event.providerMessageId);
  let message = await findMessageByProviderId(tx, channel.id, event.providerMessageId);
  let claimed = false;

  if (!message && event.type === 'message_status' && event.parleyMessageId) {
    message = await claimOwnMessage(tx, channel, event, event.parleyMessageId);
    claimed = message !== undefined;
  }
  if (!message) {
    // TODO(ingest): an update whose message never arrives, such as a status of a message sent by another app on the same number, stays parked; a retention job should delete old ones.
    const parked = await insertPendingUpdateOnce(tx, {
      tenantId: channel.tenantId,
      channelId: channel.id,
      providerMessageId: event.providerMessageId,
      event,
    });
    return parked
      ? { publications: [], deferredBecause: `${event.type} for a message not stored yet` }
      : skipped(`${event.type} already waiting for its message`);
  }

  const changed = await changeStoredMessage(tx, channel, message, event);
  if (typeof changed === 'string' && !claimed) return skipped(changed);
  const final = typeof changed === 'string' ? message : changed;
  return {
    publications: [
      messagePublication(channel.tenantId, 'updated', final),
      conversationPublication(channel.tenantId, final.conversationId),
    ],
  };
}

/**
 * Applies, oldest first, the updates parked for a message that has just received its provider id.
 * Callers hold lockProviderMessageId for that id. Returns the message as it ends.
 */
export async function applyPendingUpdates(tx: Tx, channel: ChannelScope, message: MessageRow): Promise<MessageRow> {
  if (!message.providerMessageId) return message;
  const parked = await takePendingUpdates(tx, channel.id, message.providerMessageId);
  let current = message;
  for (const json of parked) {
    const event = reviveUpdate(json);
    if (!event) continue;
    const changed = await changeStoredMessage(tx, channel, current, event);
    if (typeof changed !== 'string') current = changed;
  }
  return current;
}

/**
 * Records the provider's id on our own outbound message when nothing recorded it yet. The status
 * proves that the provider accepted the message, so a FAILED left by a timed-out send call goes
 * back to PENDING, and the status itself then moves the message on.
 */
async function claimOwnMessage(
  tx: Tx,
  channel: ChannelScope,
  event: MessageStatusEvent,
  parleyMessageId: string,
): Promise<MessageRow | undefined> {
  const own = await findMessage(tx, parleyMessageId);
  if (!own || own.channelId !== channel.id || own.direction !== 'outbound' || own.providerMessageId) return undefined;
  const claimed = await updateMessage(tx, own.id, {
    providerMessageId: event.providerMessageId,
    status: own.status === 'failed' ? 'pending' : own.status,
    providerTimestamp: own.providerTimestamp ?? event.occurredAt,
    errorCode: null,
    errorMessage: null,
  });
  return claimed ? applyPendingUpdates(tx, channel, claimed) : undefined;
}

/** Changes a stored message; returns the new row, or why nothing changed. */
async function changeStoredMessage(
  tx: Tx,
  channel: ChannelScope,
  message: MessageRow,
  event: MessageUpdateEvent,
): Promise<MessageRow | string> {
  if (event.type === 'message_status') return changeDeliveryStatus(tx, channel, message, event);

  const { kind, values } = columnsFor(event);
  if (matchesValues(message, values)) return `${kind} already applied`;
  const updated = await updateMessage(tx, message.id, values);
  if (!updated) return 'message vanished';
  await appendConversationEvents(tx, [
    { tenantId: channel.tenantId, conversationId: message.conversationId, kind, messageId: message.id },
  ]);
  return updated;
}

function columnsFor(event: Exclude<MessageUpdateEvent, MessageStatusEvent>): {
  kind: ConversationEventInput['kind'];
  values: Partial<MessageInsert>;
} {
  switch (event.type) {
    case 'message_edited':
      return { kind: 'message_edited', values: { text: event.text, editedAt: event.occurredAt } };
    case 'message_deleted':
      // The provider deleted the content, so Parley drops it too and keeps only the fact.
      return { kind: 'message_deleted', values: { text: null, attachments: [], deletedAt: event.occurredAt } };
    case 'message_hidden':
      return { kind: 'message_hidden', values: { isHidden: event.hidden } };
    case 'message_reaction':
      return { kind: 'message_reaction', values: { reaction: event.emoji } };
  }
}

async function changeDeliveryStatus(
  tx: Tx,
  channel: ChannelScope,
  message: MessageRow,
  event: MessageStatusEvent,
): Promise<MessageRow | string> {
  if (message.direction !== 'outbound') return 'status for an inbound message';
  const error = event.status === 'failed' ? (event.error ?? null) : null;
  const updated = await updateDeliveryStatus(tx, message.id, event.status, error);
  if (!updated) return `status ${event.status} does not move ${message.status} forward`;
  await appendConversationEvents(tx, [
    {
      tenantId: channel.tenantId,
      conversationId: message.conversationId,
      kind: 'message_status_changed',
      messageId: message.id,
      data: { status: updated.status, ...(error ? { errorCode: error.code } : {}) },
    },
  ]);
  return updated;
}

/** True when the row already contains every value, as it does when Meta redelivers a change. */
function matchesValues(message: MessageRow, values: Partial<MessageInsert>): boolean {
  return Object.entries(values).every(
    ([column, value]) => JSON.stringify(message[column as keyof MessageRow]) === JSON.stringify(value),
  );
}

const UPDATE_TYPES = new Set<string>(['message_edited', 'message_deleted', 'message_hidden', 'message_reaction', 'message_status']);

/** Turns a parked update back into an event; JSON has made its date a string. */
function reviveUpdate(json: unknown): MessageUpdateEvent | undefined {
  const value = json as { type?: unknown; providerMessageId?: unknown; occurredAt?: unknown } | null;
  if (!value || typeof value.type !== 'string' || !UPDATE_TYPES.has(value.type)) return undefined;
  if (typeof value.providerMessageId !== 'string' || typeof value.occurredAt !== 'string') return undefined;
  return { ...(value as MessageUpdateEvent), occurredAt: new Date(value.occurredAt) };
}
