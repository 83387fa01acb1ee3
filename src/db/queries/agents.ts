import { asc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../database.js';
import { agents } from '../schema.js';

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

export async function updateAgent(
  tx: Tx,
  agentId: string,
  values: Partial<typeof agents.$inferInsert>,
): Promise<AgentRow | undefined> {
  const [row] = await tx.update(agents).set(values).where(eq(agents.id, agentId)).returning();
  return row;
}
