import { count, eq } from 'drizzle-orm';
import type { Tx } from '../database.js';
import { tenants } from '../schema.js';

export type TenantRow = typeof tenants.$inferSelect;

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

export async function findTenant(tx: Tx, tenantId: string): Promise<TenantRow | undefined> {
  const [row] = await tx.select().from(tenants).where(eq(tenants.id, tenantId));
  return row;
}
