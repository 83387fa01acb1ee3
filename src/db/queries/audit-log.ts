import { and, asc, eq, or } from 'drizzle-orm';
import type { Tx } from '../database.js';
import { auditLog } from '../schema.js';

export type AuditLogRow = typeof auditLog.$inferSelect;

/** agent, operator, system or meta (Meta's data-deletion callback). */
export type AuditActorKind = 'agent' | 'operator' | 'system' | 'meta';

export interface AuditEntryInput {
  /** Null for the platform's own entries, which RLS hides from every tenant. */
  tenantId: string | null;
  actorKind: AuditActorKind;
  actorId?: string | null;
  action: string;
  targetKind?: string | null;
  targetId?: string | null;
  /** Ids and counts only, never the personal data acted on. */
  data?: Record<string, unknown>;
}

export async function insertAuditEntry(tx: Tx, entry: AuditEntryInput): Promise<AuditLogRow> {
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

/** Entries that name the person as their target, or, for an agent, as the actor. */
export function listAuditEntriesAbout(tx: Tx, subjectKind: 'contact' | 'agent', subjectId: string): Promise<AuditLogRow[]> {
  const asTarget = and(eq(auditLog.targetKind, subjectKind), eq(auditLog.targetId, subjectId));
  const asActor = and(eq(auditLog.actorKind, 'agent'), eq(auditLog.actorId, subjectId));
  return tx
    .select()
    .from(auditLog)
    .where(subjectKind === 'agent' ? or(asTarget, asActor) : asTarget)
    .orderBy(asc(auditLog.id));
}
