import { and, asc, eq } from 'drizzle-orm';
import type { ChannelKind } from '../../channels/normalized-event.js';
import type { Tx } from '../database.js';
import { channels, tenants } from '../schema.js';

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

/**
 * Finds the webchat channel a widget key names, with its tenant's slug, name and status. It
 * searches across tenants, so callers run it in a system transaction: the visitor has no tenant yet.
 */
export async function findWebchatChannelByPublicKey(tx: Tx, publicKey: string) {
  const [row] = await tx
    .select({ channel: channels, tenant: { slug: tenants.slug, name: tenants.name, status: tenants.status } })
    .from(channels)
    .innerJoin(tenants, eq(tenants.id, channels.tenantId))
    .where(and(eq(channels.kind, 'webchat'), eq(channels.publicKey, publicKey)));
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
