import { and, asc, count, desc, eq, getTableColumns, gt, inArray, isNull, lt, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../database.js';
import { messages } from '../schema.js';
import { epochMicros, fromEpochMicros, type KeysetPosition } from './keyset.js';

export type MessageRow = typeof messages.$inferSelect;
export type MessageInsert = typeof messages.$inferInsert;

/**
 * Keys Parley itself writes into messages.metadata, next to the channel's extras. They hold row
 * ids and times, which the API shows as typed fields instead.
 */
export const ParleyMetadataKey = {
  /** The contact who wrote a reply under another visitor's comment. */
  authorContactId: 'authorContactId',
  /** On a comment: the private reply sent to its author. */
  privateReplyMessageId: 'privateReplyMessageId',
  /** On a comment: when the page liked it through Parley, as an ISO string. */
  likedAt: 'likedAt',
} as const;

/** Inserts a message unless the channel already has one with the same provider id; returns undefined for a duplicate. */
export async function insertMessageOnce(tx: Tx, values: MessageInsert): Promise<MessageRow | undefined> {
  const [row] = await tx
    .insert(messages)
    .values(values)
    .onConflictDoNothing({ target: [messages.channelId, messages.providerMessageId] })
    .returning();
  return row;
}

export async function findMessage(tx: Tx, messageId: string): Promise<MessageRow | undefined> {
  const [row] = await tx.select().from(messages).where(eq(messages.id, messageId));
  return row;
}

/**
 * Loads a message and locks its row until the transaction ends, so two agents acting on the same
 * comment at once take turns.
 */
export async function findMessageForUpdate(tx: Tx, messageId: string): Promise<MessageRow | undefined> {
  const [row] = await tx.select().from(messages).where(eq(messages.id, messageId)).for('update');
  return row;
}

export async function findMessageByProviderId(
  tx: Tx,
  channelId: string,
  providerMessageId: string,
): Promise<MessageRow | undefined> {
  const [row] = await tx
    .select()
    .from(messages)
    .where(and(eq(messages.channelId, channelId), eq(messages.providerMessageId, providerMessageId)));
  return row;
}

export async function updateMessage(
  tx: Tx,
  messageId: string,
  values: Partial<MessageInsert>,
): Promise<MessageRow | undefined> {
  const [row] = await tx.update(messages).set(values).where(eq(messages.id, messageId)).returning();
  return row;
}

export type MessageStatus = MessageRow['status'];
export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'failed';

/**
 * The statuses an outbound message may move to each status from, so that statuses only move
 * forward: pending → sent → delivered → read. failed ends a message that was pending or sent; only
 * delivered or read may follow it, because both prove that the message reached the contact (Meta
 * sends read only for a delivered message). A failure after delivery changes nothing.
 */
export const STATUSES_BEFORE: Record<DeliveryStatus, MessageStatus[]> = {
  sent: ['pending'],
  delivered: ['pending', 'sent', 'failed'],
  read: ['pending', 'sent', 'delivered', 'failed'],
  failed: ['pending', 'sent'],
};

/**
 * Sets an outbound message's status when STATUSES_BEFORE allows the move, with the provider's
 * error for failed and no error otherwise. Returns undefined when the status stayed as it was.
 */
export async function updateDeliveryStatus(
  tx: Tx,
  messageId: string,
  status: DeliveryStatus,
  error: { code: string; message: string } | null,
): Promise<MessageRow | undefined> {
  const [row] = await tx
    .update(messages)
    .set({ status, errorCode: error?.code ?? null, errorMessage: error?.message ?? null })
    .where(
      and(eq(messages.id, messageId), eq(messages.direction, 'outbound'), inArray(messages.status, STATUSES_BEFORE[status])),
    )
    .returning();
  return row;
}

/**
 * Applies a delivery or read receipt to outbound messages of one conversation: those named by id,
 * and those sent at or before the watermark. Returns the rows that changed.
 */
export function applyReceipt(
  tx: Tx,
  conversationId: string,
  status: 'delivered' | 'read',
  providerMessageIds: string[],
  watermark: Date | null,
): Promise<MessageRow[]> {
  const covered = [];
  if (providerMessageIds.length > 0) covered.push(inArray(messages.providerMessageId, providerMessageIds));
  if (watermark) covered.push(lte(messages.providerTimestamp, watermark));
  if (covered.length === 0) return Promise.resolve([]);

  return tx
    .update(messages)
    .set({ status, errorCode: null, errorMessage: null })
    .where(
      and(
        eq(messages.conversationId, conversationId),
        eq(messages.direction, 'outbound'),
        inArray(messages.status, STATUSES_BEFORE[status]),
        or(...covered),
      ),
    )
    .returning();
}

/** Returns which of the given provider ids the channel has stored. */
export async function findStoredProviderIds(tx: Tx, channelId: string, providerMessageIds: string[]): Promise<Set<string>> {
  if (providerMessageIds.length === 0) return new Set();
  const rows = await tx
    .select({ providerMessageId: messages.providerMessageId })
    .from(messages)
    .where(and(eq(messages.channelId, channelId), inArray(messages.providerMessageId, providerMessageIds)));
  return new Set(rows.map((row) => row.providerMessageId ?? ''));
}

/**
 * Marks an outbound message FAILED unless the provider's id was recorded meanwhile (by an echo or
 * a status naming it), which proves the message went out. Returns undefined in that case.
 */
export async function markSendFailed(
  tx: Tx,
  messageId: string,
  values: { errorCode: string; errorMessage: string; metadata: Record<string, unknown> },
): Promise<MessageRow | undefined> {
  const [row] = await tx
    .update(messages)
    .set({ status: 'failed', ...values })
    .where(and(eq(messages.id, messageId), isNull(messages.providerMessageId)))
    .returning();
  return row;
}

export interface MessagePageRequest {
  conversationId: string;
  limit: number;
  /** Keyset position: messages strictly after (forward) or before (backward) this one. */
  cursor?: KeysetPosition;
  direction: 'forward' | 'backward';
}

export type MessagePageRow = MessageRow & { positionMicros: string };

/** Returns one page of a conversation's messages, plus one extra row to detect more. */
export function listMessagesPage(tx: Tx, request: MessagePageRequest): Promise<MessagePageRow[]> {
  const { cursor } = request;
  const forward = request.direction === 'forward';
  const position = cursor
    ? forward
      ? sql`(${messages.createdAt}, ${messages.id}) > (${fromEpochMicros(cursor.micros)}, ${cursor.id}::uuid)`
      : sql`(${messages.createdAt}, ${messages.id}) < (${fromEpochMicros(cursor.micros)}, ${cursor.id}::uuid)`
    : undefined;
  const order = forward ? [asc(messages.createdAt), asc(messages.id)] : [desc(messages.createdAt), desc(messages.id)];

  return tx
    .select({ ...getTableColumns(messages), positionMicros: epochMicros(messages.createdAt) })
    .from(messages)
    .where(and(eq(messages.conversationId, request.conversationId), position))
    .orderBy(...order)
    .limit(request.limit + 1);
}

/** The newest comment from the visitor in a comment thread: the one a reply should answer. */
export async function findLatestInboundMessage(tx: Tx, conversationId: string): Promise<MessageRow | undefined> {
  const [row] = await tx
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.direction, 'inbound'), isNull(messages.deletedAt)))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(1);
  return row;
}

/**
 * Deletes a copy of our own outbound message that the provider's webhook stored before the send
 * call returned, so the original row can take the provider's id.
 */
export async function deleteStrayCopy(tx: Tx, channelId: string, providerMessageId: string, keepId: string) {
  await tx
    .delete(messages)
    .where(
      and(
        eq(messages.channelId, channelId),
        eq(messages.providerMessageId, providerMessageId),
        eq(messages.direction, 'outbound'),
        ne(messages.id, keepId),
      ),
    );
}

export async function countMessagesByAgent(tx: Tx, agentId: string): Promise<number> {
  const [row] = await tx.select({ value: count() }).from(messages).where(eq(messages.authorAgentId, agentId));
  return Number(row?.value ?? 0);
}

/**
 * Rewrites the attachment that references `mediaId` inside the message's attachments array, in
 * one statement: two copies of the same message finishing at once both keep their changes, because
 * PostgreSQL re-evaluates the expression on the row version the first one committed.
 */
async function rewriteAttachmentOfMedia(
  tx: Tx,
  messageId: string,
  mediaId: string,
  rewrite: (element: SQL) => SQL,
): Promise<MessageRow | undefined> {
  const element = sql.raw('element');
  const [row] = await tx
    .update(messages)
    .set({
      attachments: sql`coalesce((
        select jsonb_agg(case when element->>'mediaId' = ${mediaId} then ${rewrite(element)} else element end order by position)
        from jsonb_array_elements(${messages.attachments}) with ordinality as item(element, position)
      ), '[]'::jsonb)`,
    })
    .where(eq(messages.id, messageId))
    .returning();
  return row;
}

/** Merges `fields` into the message's attachment that references `mediaId`. */
export function patchAttachmentOfMedia(
  tx: Tx,
  messageId: string,
  mediaId: string,
  fields: object,
): Promise<MessageRow | undefined> {
  return rewriteAttachmentOfMedia(tx, messageId, mediaId, (element) => sql`${element} || ${JSON.stringify(fields)}::jsonb`);
}

/** Removes the named keys from the message's attachment that references `mediaId`. */
export function removeAttachmentFields(
  tx: Tx,
  messageId: string,
  mediaId: string,
  keys: readonly string[],
): Promise<MessageRow | undefined> {
  return rewriteAttachmentOfMedia(tx, messageId, mediaId, (element) =>
    sql.join([element, ...keys.map((key) => sql`${key}::text`)], sql` - `),
  );
}
