import { and, asc, desc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { Tx } from '../database.js';
import { auditLog } from '../schema.js';

export type AuditEntryRow = typeof auditLog.$inferSelect;
export type AuditLogRow = AuditEntryRow;

export type AuditActorKind = 'agent' | 'operator' | 'system' | 'meta';

export interface AuditEntryInput {
  /** The tenant acted on; null for the platform's own rows (operator logins, tenant lifecycle). */
  tenantId: string | null;
  actorKind: AuditActorKind;
  actorId?: string | null;
  /** snake_case verb phrase, such as agent_role_changed. */
  action: string;
  targetKind?: string | null;
  targetId?: string | null;
  /** Ids, counts and outcomes only, never the personal data acted on. */
  data?: Record<string, unknown>;
}

/**
 * Appends one entry. A tenant's entry must be written inside that tenant's transaction (RLS checks
 * tenant_id); a platform entry, with a null tenant_id, inside a system transaction.
 */
export async function insertAuditEntry(tx: Tx, entry: AuditEntryInput): Promise<AuditEntryRow> {
  const [row] = await tx
    .insert(auditLog)
    .values({
      tenantId: entry.tenantId,
      actorKind: entry.actorKind,
      actorId: entry.actorId ?? null,
      action: entry.action,
      targetKind: entry.targetKind ?? null,
      targetId: entry.targetId ?? null,
      data: entry.data ?? {},
    })
    .returning();
  if (!row) throw new Error('insert into audit_log returned no row');
  return row;
}

/**
 * Appends the entry unless the same action on the same target was recorded within the last
 * `withinSeconds`. Returns whether it was written. Concurrent callers may both write one; callers
 * that care hold a lock (see recordChannelTokenUse).
 */
export async function insertAuditEntryUnlessRecent(tx: Tx, entry: AuditEntryInput, withinSeconds: number): Promise<boolean> {
  const [recent] = await tx
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(
      and(
        entry.tenantId === null ? isNull(auditLog.tenantId) : eq(auditLog.tenantId, entry.tenantId),
        eq(auditLog.action, entry.action),
        entry.targetId ? eq(auditLog.targetId, entry.targetId) : isNull(auditLog.targetId),
        gt(auditLog.createdAt, sql`now() - make_interval(secs => ${withinSeconds})`),
      ),
    )
    .limit(1);
  if (recent) return false;
  await insertAuditEntry(tx, entry);
  return true;
}

/**
 * Lists entries newest first, one more than `limit` to tell whether more follow. `tenantId` null
 * lists the platform's rows; a tenant id lists that tenant's.
 */
export function listAuditEntries(
  tx: Tx,
  tenantId: string | null,
  limit: number,
  beforeId?: number,
): Promise<AuditEntryRow[]> {
  return tx
    .select()
    .from(auditLog)
    .where(
      and(
        tenantId === null ? isNull(auditLog.tenantId) : eq(auditLog.tenantId, tenantId),
        beforeId === undefined ? undefined : lt(auditLog.id, beforeId),
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(limit + 1);
}

/** Entries that name the person as their target, or, for an agent, as the actor. */
export function listAuditEntriesAbout(tx: Tx, subjectKind: 'contact' | 'agent', subjectId: string): Promise<AuditEntryRow[]> {
  const asTarget = and(eq(auditLog.targetKind, subjectKind), eq(auditLog.targetId, subjectId));
  const asActor = and(eq(auditLog.actorKind, 'agent'), eq(auditLog.actorId, subjectId));
  return tx
    .select()
    .from(auditLog)
    .where(subjectKind === 'agent' ? or(asTarget, asActor) : asTarget)
    .orderBy(asc(auditLog.id));
}
