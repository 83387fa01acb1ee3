import { and, asc, desc, eq, inArray, isNull, lte, ne, or, sql } from 'drizzle-orm';
import type { Tx } from '../database.js';
import { messages } from '../schema.js';

export type MessageRow = typeof messages.$inferSelect;
export type MessageInsert = typeof messages.$inferInsert;

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

// Receipts only move a message forward: pending → sent → delivered → read.
const STATUSES_BEFORE = {
  delivered: ['pending', 'sent'] as const,
  read: ['pending', 'sent', 'delivered'] as const,
};

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
    .set({ status })
    .where(
      and(
        eq(messages.conversationId, conversationId),
        eq(messages.direction, 'outbound'),
        inArray(messages.status, [...STATUSES_BEFORE[status]]),
        or(...covered),
      ),
    )
    .returning();
}

export interface MessagePageRequest {
  conversationId: string;
  limit: number;
  /** Keyset position: messages strictly after (forward) or before (backward) this one. */
  cursor?: { createdAt: Date; id: string };
  direction: 'forward' | 'backward';
}

/** Returns one page of a conversation's messages in chronological order, plus one extra row to detect more. */
export async function listMessagesPage(tx: Tx, request: MessagePageRequest): Promise<MessageRow[]> {
  const { cursor } = request;
  // A cursor holds a JavaScript Date, which keeps milliseconds while PostgreSQL keeps microseconds,
  // so the keyset compares and orders by created_at truncated to the millisecond. Comparing the
  // full value would return the cursor's own row again on the next page.
  const createdAt = sql`date_trunc('milliseconds', ${messages.createdAt})`;
  const position = cursor
    ? request.direction === 'forward'
      ? sql`(${createdAt}, ${messages.id}) > (${cursor.createdAt.toISOString()}::timestamptz, ${cursor.id}::uuid)`
      : sql`(${createdAt}, ${messages.id}) < (${cursor.createdAt.toISOString()}::timestamptz, ${cursor.id}::uuid)`
    : undefined;
  const order =
    request.direction === 'forward' ? [asc(createdAt), asc(messages.id)] : [desc(createdAt), desc(messages.id)];

  const rows = await tx
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, request.conversationId), position))
    .orderBy(...order)
    .limit(request.limit + 1);
  return rows;
}


/** The newest comment from the visitor in a comment thread: the one an answer should reply to. */
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
