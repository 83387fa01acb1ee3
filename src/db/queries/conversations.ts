import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../database.js';
import { agents, channels, contacts, conversations, messages } from '../schema.js';
import { epochMicros, fromEpochMicros, type KeysetPosition } from './keyset.js';

export type ConversationRow = typeof conversations.$inferSelect;
export type ConversationStatus = ConversationRow['status'];

export async function findConversation(tx: Tx, conversationId: string): Promise<ConversationRow | undefined> {
  const [row] = await tx.select().from(conversations).where(eq(conversations.id, conversationId));
  return row;
}

export async function findConversationByThreadKey(
  tx: Tx,
  channelId: string,
  threadKey: string,
): Promise<ConversationRow | undefined> {
  const [row] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.channelId, channelId), eq(conversations.threadKey, threadKey)));
  return row;
}

/** Returns the conversation for a thread, creating it when new. Safe under concurrent webhooks. */
export async function findOrCreateConversation(
  tx: Tx,
  values: typeof conversations.$inferInsert,
): Promise<{ conversation: ConversationRow; created: boolean }> {
  const [created] = await tx
    .insert(conversations)
    .values(values)
    .onConflictDoNothing({ target: [conversations.channelId, conversations.threadKey] })
    .returning();
  if (created) return { conversation: created, created: true };
  const existing = await findConversationByThreadKey(tx, values.channelId, values.threadKey);
  if (!existing) throw new Error('conversation vanished after an insert conflict');
  return { conversation: existing, created: false };
}

export async function updateConversation(
  tx: Tx,
  conversationId: string,
  values: Partial<typeof conversations.$inferInsert>,
): Promise<ConversationRow | undefined> {
  const [row] = await tx.update(conversations).set(values).where(eq(conversations.id, conversationId)).returning();
  return row;
}

/**
 * Moves last activity forward to `at` (never back) and points at the newest message. For a
 * contact's message, `inboundAt` also moves the start of the WhatsApp reply window forward.
 */
export async function recordActivity(
  tx: Tx,
  conversationId: string,
  at: Date,
  messageId: string,
  inboundAt?: Date,
): Promise<ConversationRow | undefined> {
  const [row] = await tx
    .update(conversations)
    .set({
      lastActivityAt: sql`greatest(${conversations.lastActivityAt}, ${at.toISOString()}::timestamptz)`,
      lastMessageId: messageId,
      ...(inboundAt
        ? { lastInboundAt: sql`greatest(${conversations.lastInboundAt}, ${inboundAt.toISOString()}::timestamptz)` }
        : {}),
    })
    .where(eq(conversations.id, conversationId))
    .returning();
  return row;
}

export interface InboxFilter {
  status?: ConversationStatus | undefined;
  channelId?: string | undefined;
  /** An agent id, or null for unassigned conversations; undefined means any. */
  assigneeId?: string | null | undefined;
  conversationId?: string | undefined;
}


const unreadCount = sql<number>`(
  select count(*)::int from ${messages} unread
  where unread.conversation_id = ${conversations.id}
    and unread.direction = 'inbound'
    and unread.deleted_at is null
    and (${conversations.agentLastReadAt} is null or unread.created_at > ${conversations.agentLastReadAt})
)`.as('unread_count');

/**
 * Loads one inbox page with each conversation's contact, channel, assignee, last message and
 * unread count in a single statement, whatever the page size. Newest activity first; returns
 * `limit + 1` rows when there are more.
 */
export function listInboxPage(tx: Tx, filter: InboxFilter, limit: number, after?: KeysetPosition) {
  const conditions: (SQL | undefined)[] = [];
  if (filter.status) conditions.push(eq(conversations.status, filter.status));
  if (filter.channelId) conditions.push(eq(conversations.channelId, filter.channelId));
  if (filter.conversationId) conditions.push(eq(conversations.id, filter.conversationId));
  if (filter.assigneeId === null) conditions.push(sql`${conversations.assigneeId} is null`);
  else if (filter.assigneeId) conditions.push(eq(conversations.assigneeId, filter.assigneeId));
  if (after) {
    conditions.push(sql`(${conversations.lastActivityAt}, ${conversations.id}) < (${fromEpochMicros(after.micros)}, ${after.id}::uuid)`);
  }

  return tx
    .select({
      conversation: conversations,
      contact: contacts,
      channel: channels,
      assignee: agents,
      lastMessage: messages,
      unreadCount,
      positionMicros: epochMicros(conversations.lastActivityAt),
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .leftJoin(agents, eq(agents.id, conversations.assigneeId))
    .leftJoin(messages, eq(messages.id, conversations.lastMessageId))
    .where(and(...conditions))
    .orderBy(desc(conversations.lastActivityAt), desc(conversations.id))
    .limit(limit + 1);
}

export type InboxRow = Awaited<ReturnType<typeof listInboxPage>>[number];

export async function listConversationIdsOfContact(tx: Tx, contactId: string): Promise<string[]> {
  const rows = await tx.select({ id: conversations.id }).from(conversations).where(eq(conversations.contactId, contactId));
  return rows.map((row) => row.id);
}

/** Unassigns every conversation assigned to the agent; returns the conversations that changed. */
export function unassignConversationsOf(tx: Tx, agentId: string) {
  return tx
    .update(conversations)
    .set({ assigneeId: null })
    .where(eq(conversations.assigneeId, agentId))
    .returning({ id: conversations.id });
}
