import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../database.js';
import { pendingMessageUpdates } from '../schema.js';

/**
 * Serializes, until the transaction ends, everything that looks up or assigns one provider message
 * id on one channel. Without it, an update could be parked by one transaction while another stores
 * the message and finds no parked update, both unaware of the other's uncommitted row.
 */
export async function lockProviderMessageId(tx: Tx, channelId: string, providerMessageId: string): Promise<void> {
  const key = `${channelId}:${providerMessageId}`;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}

/**
 * Parks an update for a message not stored yet, unless the same update is already parked, as it is
 * when Meta redelivers it. Returns false for such a duplicate. Callers hold lockProviderMessageId.
 */
export async function insertPendingUpdateOnce(
  tx: Tx,
  values: { tenantId: string; channelId: string; providerMessageId: string; event: object },
): Promise<boolean> {
  const json = JSON.stringify(values.event);
  const [duplicate] = await tx
    .select({ id: pendingMessageUpdates.id })
    .from(pendingMessageUpdates)
    .where(
      and(
        eq(pendingMessageUpdates.channelId, values.channelId),
        eq(pendingMessageUpdates.providerMessageId, values.providerMessageId),
        sql`${pendingMessageUpdates.event} = ${json}::jsonb`,
      ),
    )
    .limit(1);
  if (duplicate) return false;
  await tx.insert(pendingMessageUpdates).values({ ...values, event: sql`${json}::jsonb` });
  return true;
}

/** Removes and returns the updates parked for a message, oldest first. Callers hold lockProviderMessageId. */
export async function takePendingUpdates(tx: Tx, channelId: string, providerMessageId: string): Promise<unknown[]> {
  const rows = await tx
    .delete(pendingMessageUpdates)
    .where(and(eq(pendingMessageUpdates.channelId, channelId), eq(pendingMessageUpdates.providerMessageId, providerMessageId)))
    .returning({ id: pendingMessageUpdates.id, event: pendingMessageUpdates.event });
  return rows.sort((first, second) => first.id - second.id).map((row) => row.event);
}
