import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, ne, or, sql, type SQL } from 'drizzle-orm';
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
  const position = cursor
    ? request.direction === 'forward'
      ? or(gt(messages.createdAt, cursor.createdAt), and(eq(messages.createdAt, cursor.createdAt), gt(messages.id, cursor.id)))
      : or(lt(messages.createdAt, cursor.createdAt), and(eq(messages.createdAt, cursor.createdAt), lt(messages.id, cursor.id)))
    : undefined;
  const order =
    request.direction === 'forward'
      ? [asc(messages.createdAt), asc(messages.id)]
      : [desc(messages.createdAt), desc(messages.id)];

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
