import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Tx } from '../database.js';
import { channels, mediaObjects, messages } from '../schema.js';

export type MediaObjectRow = typeof mediaObjects.$inferSelect;
export type MediaObjectInsert = typeof mediaObjects.$inferInsert;

export async function insertMediaObjects(tx: Tx, values: MediaObjectInsert[]): Promise<void> {
  if (values.length === 0) return;
  await tx.insert(mediaObjects).values(values);
}

export async function findMediaObject(tx: Tx, mediaId: string): Promise<MediaObjectRow | undefined> {
  const [row] = await tx.select().from(mediaObjects).where(eq(mediaObjects.id, mediaId));
  return row;
}

/** A due copy one worker has claimed; the copy itself runs in the tenant's own transactions. */
export interface ClaimedMediaObject {
  id: string;
  tenantId: string;
  /** Attempts including the one just claimed. */
  attempts: number;
}

/**
 * Claims up to `limit` due copies across tenants, so it runs in a system transaction. Each claimed
 * row counts one more attempt and is not due again for `leaseMs`, so another worker (this one
 * after a crash, or another instance) retries it only once the lease has run out. SKIP LOCKED
 * lets instances claim at the same time without waiting for each other or taking the same rows.
 */
export function claimDueMediaObjects(tx: Tx, limit: number, leaseMs: number): Promise<ClaimedMediaObject[]> {
  const due = tx
    .select({ id: mediaObjects.id })
    .from(mediaObjects)
    .where(and(eq(mediaObjects.status, 'pending'), lte(mediaObjects.nextAttemptAt, sql`now()`)))
    .orderBy(asc(mediaObjects.nextAttemptAt))
    .limit(limit)
    .for('update', { skipLocked: true });

  return tx
    .update(mediaObjects)
    .set({
      attempts: sql`${mediaObjects.attempts} + 1`,
      nextAttemptAt: sql`now() + make_interval(secs => ${leaseMs / 1000})`,
    })
    .where(inArray(mediaObjects.id, due))
    .returning({ id: mediaObjects.id, tenantId: mediaObjects.tenantId, attempts: mediaObjects.attempts });
}

/** A pending copy with what the download needs from its channel; the token is read separately, decrypted. */
export interface MediaCopyJob {
  media: MediaObjectRow;
  channel: { kind: (typeof channels.$inferSelect)['kind']; externalId: string };
}

export async function findPendingCopyJob(tx: Tx, mediaId: string): Promise<MediaCopyJob | undefined> {
  const [row] = await tx
    .select({
      media: mediaObjects,
      channel: { kind: channels.kind, externalId: channels.externalId },
    })
    .from(mediaObjects)
    .innerJoin(channels, eq(channels.id, mediaObjects.channelId))
    .where(and(eq(mediaObjects.id, mediaId), eq(mediaObjects.status, 'pending')));
  return row;
}

/** Updates a copy that is still pending; returns undefined when it was deleted or finished meanwhile. */
export async function updatePendingMediaObject(
  tx: Tx,
  mediaId: string,
  values: PgUpdateSetSource<typeof mediaObjects>,
): Promise<MediaObjectRow | undefined> {
  const [row] = await tx
    .update(mediaObjects)
    .set(values)
    .where(and(eq(mediaObjects.id, mediaId), eq(mediaObjects.status, 'pending')))
    .returning();
  return row;
}

/**
 * Gives back a claimed copy without counting the attempt, as when the worker stops in the middle
 * of a download. The copy is due again at once.
 */
export async function releaseMediaObject(tx: Tx, mediaId: string): Promise<void> {
  await tx
    .update(mediaObjects)
    .set({ attempts: sql`greatest(${mediaObjects.attempts} - 1, 0)`, nextAttemptAt: sql`now()` })
    .where(and(eq(mediaObjects.id, mediaId), eq(mediaObjects.status, 'pending')));
}

/** Locks a media object until the transaction ends, so a copy cannot finish while it is deleted. */
export async function lockMediaObject(tx: Tx, mediaId: string): Promise<MediaObjectRow | undefined> {
  const [row] = await tx.select().from(mediaObjects).where(eq(mediaObjects.id, mediaId)).for('update');
  return row;
}

export async function deleteMediaObject(tx: Tx, mediaId: string): Promise<void> {
  await tx.delete(mediaObjects).where(eq(mediaObjects.id, mediaId));
}

/** Returns the ids of the media objects of the channel's message with the provider's id. */
export async function listMediaIdsOfProviderMessage(tx: Tx, channelId: string, providerMessageId: string): Promise<string[]> {
  const rows = await tx
    .select({ id: mediaObjects.id })
    .from(mediaObjects)
    .innerJoin(messages, eq(messages.id, mediaObjects.messageId))
    .where(and(eq(messages.channelId, channelId), eq(messages.providerMessageId, providerMessageId)));
  return rows.map((row) => row.id);
}
