import { eq } from 'drizzle-orm';
import type { Tx } from '../database.js';
import { metaDeletionRequests } from '../schema.js';

// meta_deletion_requests belongs to the platform: parley_app has no grant on it, so these
// queries run in system transactions.

export type MetaDeletionRequestRow = typeof metaDeletionRequests.$inferSelect;

export async function insertMetaDeletionRequest(
  tx: Tx,
  values: typeof metaDeletionRequests.$inferInsert,
): Promise<MetaDeletionRequestRow> {
  const [row] = await tx.insert(metaDeletionRequests).values(values).returning();
  if (!row) throw new Error('insert into meta_deletion_requests returned no row');
  return row;
}

export async function completeMetaDeletionRequest(
  tx: Tx,
  id: string,
  status: 'completed' | 'failed',
  tenantCount: number,
): Promise<MetaDeletionRequestRow | undefined> {
  const [row] = await tx
    .update(metaDeletionRequests)
    .set({ status, tenantCount, completedAt: new Date() })
    .where(eq(metaDeletionRequests.id, id))
    .returning();
  return row;
}

export async function findMetaDeletionRequestByCode(tx: Tx, code: string): Promise<MetaDeletionRequestRow | undefined> {
  const [row] = await tx.select().from(metaDeletionRequests).where(eq(metaDeletionRequests.confirmationCode, code));
  return row;
}
