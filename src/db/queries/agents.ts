import { asc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../database.js';
import { agents, tenants } from '../schema.js';
import type { TenantRow } from './tenants.js';

export type AgentRow = typeof agents.$inferSelect;

export async function findAgent(tx: Tx, agentId: string): Promise<AgentRow | undefined> {
  const [row] = await tx.select().from(agents).where(eq(agents.id, agentId));
  return row;
}

export async function findAgentByEmail(tx: Tx, email: string): Promise<AgentRow | undefined> {
  const [row] = await tx.select().from(agents).where(sql`lower(${agents.email}) = lower(${email})`);
  return row;
}

export function listAgents(tx: Tx): Promise<AgentRow[]> {
  return tx.select().from(agents).orderBy(asc(agents.displayName), asc(agents.id));
}

export async function insertAgent(tx: Tx, values: typeof agents.$inferInsert): Promise<AgentRow> {
  const [row] = await tx.insert(agents).values(values).returning();
  if (!row) throw new Error('insert into agents returned no row');
  return row;
}

/** Finds an agent together with its tenant's status, in one statement: every authenticated request runs it. */
export async function findAgentWithTenantStatus(
  tx: Tx,
  agentId: string,
): Promise<(AgentRow & { tenantStatus: TenantRow['status'] }) | undefined> {
  const [row] = await tx
    .select({ agent: agents, tenantStatus: tenants.status })
    .from(agents)
    .innerJoin(tenants, eq(tenants.id, agents.tenantId))
    .where(eq(agents.id, agentId));
  return row ? { ...row.agent, tenantStatus: row.tenantStatus } : undefined;
}

/** Locks the tenant's admins until the transaction ends, so two concurrent demotions cannot leave none. */
export function lockAdmins(tx: Tx): Promise<{ id: string }[]> {
  return tx.select({ id: agents.id }).from(agents).where(eq(agents.role, 'admin')).orderBy(asc(agents.id)).for('update');
}

export async function updateAgentRole(tx: Tx, agentId: string, role: AgentRow['role']): Promise<AgentRow | undefined> {
  const [row] = await tx.update(agents).set({ role }).where(eq(agents.id, agentId)).returning();
  return row;
}

export async function updateAgent(
  tx: Tx,
  agentId: string,
  values: Partial<typeof agents.$inferInsert>,
): Promise<AgentRow | undefined> {
  const [row] = await tx.update(agents).set(values).where(eq(agents.id, agentId)).returning();
  return row;
}
