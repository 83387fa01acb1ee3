import { asc, count, eq, sql } from 'drizzle-orm';
import type { Tx } from '../database.js';
import { agents, auditLog, channels, conversations, messages, tenants } from '../schema.js';

export type TenantRow = typeof tenants.$inferSelect;
export type TenantStatus = TenantRow['status'];

export async function findTenant(tx: Tx, tenantId: string): Promise<TenantRow | undefined> {
  const [row] = await tx.select().from(tenants).where(eq(tenants.id, tenantId));
  return row;
}

export async function findTenantBySlug(tx: Tx, slug: string): Promise<TenantRow | undefined> {
  const [row] = await tx.select().from(tenants).where(eq(tenants.slug, slug));
  return row;
}

export async function insertTenant(tx: Tx, values: typeof tenants.$inferInsert): Promise<TenantRow> {
  const [row] = await tx.insert(tenants).values(values).returning();
  if (!row) throw new Error('insert into tenants returned no row');
  return row;
}

export async function countTenants(tx: Tx): Promise<number> {
  const [row] = await tx.select({ value: count() }).from(tenants);
  return Number(row?.value ?? 0);
}

export interface TenantUsage {
  agents: number;
  channels: number;
  conversations: number;
  messages: number;
  messagesLast30Days: number;
}

// Drizzle leaves columns unqualified in a single-table select, so the correlated subquery names
// both tables itself: `counted` for the counted table, "tenants" for the outer row.
const countOf = (table: typeof agents | typeof channels | typeof conversations | typeof messages, extra = sql`true`) =>
  sql<number>`(select count(*)::int from ${table} as counted where counted.tenant_id = ${tenants}.id and ${extra})`;

/**
 * Lists every tenant with aggregate counts only, for the operator; run it in a system transaction.
 * TODO(operator): the message counts scan each tenant's messages; keep a counter table once tenants hold millions.
 */
export function listTenantsWithUsage(tx: Tx, tenantId?: string): Promise<(TenantRow & { usage: TenantUsage })[]> {
  return tx
    .select({
      id: tenants.id,
      slug: tenants.slug,
      name: tenants.name,
      status: tenants.status,
      retentionDays: tenants.retentionDays,
      attachmentRetentionDays: tenants.attachmentRetentionDays,
      createdAt: tenants.createdAt,
      usage: {
        agents: countOf(agents),
        channels: countOf(channels),
        conversations: countOf(conversations),
        messages: countOf(messages),
        messagesLast30Days: countOf(messages, sql`counted.created_at > now() - interval '30 days'`),
      },
    })
    .from(tenants)
    .where(tenantId === undefined ? undefined : eq(tenants.id, tenantId))
    .orderBy(asc(tenants.createdAt), asc(tenants.id));
}

export async function updateTenantStatus(tx: Tx, tenantId: string, status: TenantStatus): Promise<TenantRow | undefined> {
  const [row] = await tx.update(tenants).set({ status }).where(eq(tenants.id, tenantId)).returning();
  return row;
}

/**
 * Deletes a tenant with every row it owns: foreign keys cascade to all tenant tables, and its
 * audit entries, which have no foreign key, are deleted here. Run it in a system transaction.
 */
export async function deleteTenantCascade(tx: Tx, tenantId: string): Promise<{ deleted: boolean; auditEntries: number }> {
  const audit = await tx.delete(auditLog).where(eq(auditLog.tenantId, tenantId)).returning({ id: auditLog.id });
  const deleted = await tx.delete(tenants).where(eq(tenants.id, tenantId)).returning({ id: tenants.id });
  return { deleted: deleted.length > 0, auditEntries: audit.length };
}
