import { and, asc, count, eq, gte, inArray, isNotNull, lt, notExists, or, sql } from 'drizzle-orm';
import type { Tx } from '../database.js';
import { contacts, conversations, mediaObjects, messages, pendingMessageUpdates, tenants } from '../schema.js';

export interface TenantRetention {
  id: string;
  slug: string;
  retentionDays: number | null;
  attachmentRetentionDays: number | null;
}

/** Tenants with a retention period set, optionally only the one with this slug. Run as the system. */
export function listTenantsWithRetention(tx: Tx, slug?: string): Promise<TenantRetention[]> {
  const withPeriod = or(isNotNull(tenants.retentionDays), isNotNull(tenants.attachmentRetentionDays));
  return tx
    .select({
      id: tenants.id,
      slug: tenants.slug,
      retentionDays: tenants.retentionDays,
      attachmentRetentionDays: tenants.attachmentRetentionDays,
    })
    .from(tenants)
    .where(slug === undefined ? withPeriod : and(withPeriod, eq(tenants.slug, slug)))
    .orderBy(asc(tenants.slug));
}

/** Sets the current tenant's retention periods; parley_app may update only these two columns. */
export async function updateTenantRetention(
  tx: Tx,
  tenantId: string,
  retentionDays: number | null,
  attachmentRetentionDays: number | null,
): Promise<TenantRetention | undefined> {
  const [row] = await tx
    .update(tenants)
    .set({ retentionDays, attachmentRetentionDays })
    .where(eq(tenants.id, tenantId))
    .returning({
      id: tenants.id,
      slug: tenants.slug,
      retentionDays: tenants.retentionDays,
      attachmentRetentionDays: tenants.attachmentRetentionDays,
    });
  return row;
}

export async function findTenantRetention(tx: Tx, tenantId: string): Promise<TenantRetention | undefined> {
  const [row] = await tx
    .select({
      id: tenants.id,
      slug: tenants.slug,
      retentionDays: tenants.retentionDays,
      attachmentRetentionDays: tenants.attachmentRetentionDays,
    })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  return row;
}

export interface ExpiredConversationBatch {
  conversations: number;
  messages: number;
  mediaObjects: number;
  storageKeys: string[];
}

/**
 * Finds up to `limit` (undefined: all) conversations of the current tenant whose last activity
 * is before `cutoff` and, unless `dryRun`, deletes them. Their messages, media rows and event log
 * go with them by cascade.
 */
export async function purgeExpiredConversations(
  tx: Tx,
  cutoff: Date,
  limit: number | undefined,
  dryRun: boolean,
): Promise<ExpiredConversationBatch> {
  const query = tx
    .select({ id: conversations.id })
    .from(conversations)
    .where(lt(conversations.lastActivityAt, cutoff))
    .orderBy(asc(conversations.lastActivityAt), asc(conversations.id))
    .$dynamic();
  const expired = await (limit === undefined ? query : query.limit(limit));
  const ids = expired.map((row) => row.id);
  if (ids.length === 0) return { conversations: 0, messages: 0, mediaObjects: 0, storageKeys: [] };

  const [messageCount] = await tx.select({ value: count() }).from(messages).where(inArray(messages.conversationId, ids));
  const media = await tx
    .select({ storageKey: mediaObjects.storageKey })
    .from(mediaObjects)
    .innerJoin(messages, eq(messages.id, mediaObjects.messageId))
    .where(inArray(messages.conversationId, ids));
  if (!dryRun) await tx.delete(conversations).where(inArray(conversations.id, ids));
  return {
    conversations: ids.length,
    messages: Number(messageCount?.value ?? 0),
    mediaObjects: media.length,
    storageKeys: media.flatMap((row) => (row.storageKey ? [row.storageKey] : [])),
  };
}

/** Deletes (or, with `dryRun`, only lists) up to `limit` media rows of the current tenant created before `cutoff`. */
export async function purgeExpiredMedia(tx: Tx, cutoff: Date, limit: number | undefined, dryRun: boolean) {
  const query = tx
    .select({ id: mediaObjects.id, storageKey: mediaObjects.storageKey })
    .from(mediaObjects)
    .where(lt(mediaObjects.createdAt, cutoff))
    .orderBy(asc(mediaObjects.createdAt), asc(mediaObjects.id))
    .$dynamic();
  const expired = await (limit === undefined ? query : query.limit(limit));
  if (!dryRun && expired.length > 0) {
    await tx.delete(mediaObjects).where(inArray(mediaObjects.id, expired.map((row) => row.id)));
  }
  return {
    mediaObjects: expired.length,
    storageKeys: expired.flatMap((row) => (row.storageKey ? [row.storageKey] : [])),
  };
}

/**
 * Deletes (or counts) contacts of the current tenant whose profile did not change since `cutoff`
 * and who have no conversation active since then, so a purge leaves no profile behind without a
 * conversation. Their expired conversations, if any are left, go with them by cascade. A dry run
 * counts the same contacts, because the condition ignores expired conversations.
 */
export async function purgeContactsWithoutConversations(tx: Tx, cutoff: Date, dryRun: boolean): Promise<number> {
  const condition = and(
    lt(contacts.updatedAt, cutoff),
    notExists(
      tx
        .select({ one: sql`1` })
        .from(conversations)
        .where(and(eq(conversations.contactId, contacts.id), gte(conversations.lastActivityAt, cutoff))),
    ),
  );
  if (dryRun) {
    const [row] = await tx.select({ value: count() }).from(contacts).where(condition);
    return Number(row?.value ?? 0);
  }
  const deleted = await tx.delete(contacts).where(condition).returning({ id: contacts.id });
  return deleted.length;
}

/** Deletes (or counts) out-of-order updates older than `cutoff`: their message never arrived. */
export async function purgeStalePendingUpdates(tx: Tx, cutoff: Date, dryRun: boolean): Promise<number> {
  const condition = lt(pendingMessageUpdates.createdAt, cutoff);
  if (dryRun) {
    const [row] = await tx.select({ value: count() }).from(pendingMessageUpdates).where(condition);
    return Number(row?.value ?? 0);
  }
  const deleted = await tx.delete(pendingMessageUpdates).where(condition).returning({ id: pendingMessageUpdates.id });
  return deleted.length;
}
