import { and, asc, eq } from 'drizzle-orm';
import type { Tx } from '../database.js';
import { dataSubjectRequests } from '../schema.js';

export type DataSubjectRequestRow = typeof dataSubjectRequests.$inferSelect;
export type DataSubjectKind = DataSubjectRequestRow['subjectKind'];
export type DataSubjectRequestKind = DataSubjectRequestRow['kind'];

export async function insertDataSubjectRequest(
  tx: Tx,
  values: typeof dataSubjectRequests.$inferInsert,
): Promise<DataSubjectRequestRow> {
  const [row] = await tx.insert(dataSubjectRequests).values(values).returning();
  if (!row) throw new Error('insert into data_subject_requests returned no row');
  return row;
}

export function listDataSubjectRequestsAbout(tx: Tx, subjectKind: DataSubjectKind, subjectId: string) {
  return tx
    .select()
    .from(dataSubjectRequests)
    .where(and(eq(dataSubjectRequests.subjectKind, subjectKind), eq(dataSubjectRequests.subjectId, subjectId)))
    .orderBy(asc(dataSubjectRequests.createdAt), asc(dataSubjectRequests.id));
}

/** True when an erasure of this person already completed in the current tenant. */
export async function hasCompletedErasure(tx: Tx, subjectKind: DataSubjectKind, subjectId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: dataSubjectRequests.id })
    .from(dataSubjectRequests)
    .where(
      and(
        eq(dataSubjectRequests.subjectKind, subjectKind),
        eq(dataSubjectRequests.subjectId, subjectId),
        eq(dataSubjectRequests.kind, 'erasure'),
        eq(dataSubjectRequests.status, 'completed'),
      ),
    )
    .limit(1);
  return row !== undefined;
}
