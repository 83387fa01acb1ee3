import { and, asc, eq } from 'drizzle-orm';
import type { ChannelKind } from '../../channels/normalized-event.js';
import type { Tx } from '../database.js';
import { channels } from '../schema.js';

export type ChannelRow = typeof channels.$inferSelect;

/** Finds the channel a webhook names, across tenants; callers run it in a system transaction. */
export async function findChannelByExternalId(
  tx: Tx,
  kind: ChannelKind,
  externalId: string,
): Promise<ChannelRow | undefined> {
  const [row] = await tx
    .select()
    .from(channels)
    .where(and(eq(channels.kind, kind), eq(channels.externalId, externalId)));
  return row;
}

export async function findChannel(tx: Tx, channelId: string): Promise<ChannelRow | undefined> {
  const [row] = await tx.select().from(channels).where(eq(channels.id, channelId));
  return row;
}

export function listChannels(tx: Tx): Promise<ChannelRow[]> {
  return tx.select().from(channels).orderBy(asc(channels.createdAt), asc(channels.id));
}

export async function insertChannel(
  tx: Tx,
  values: typeof channels.$inferInsert,
): Promise<ChannelRow> {
  const [row] = await tx.insert(channels).values(values).returning();
  if (!row) throw new Error('insert into channels returned no row');
  return row;
}
