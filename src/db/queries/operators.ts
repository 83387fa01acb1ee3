import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../database.js';
import { operators } from '../schema.js';

// The operators table is the platform's: parley_app has no grant on it, so these run in system transactions.

export type OperatorRow = typeof operators.$inferSelect;

export async function findOperator(tx: Tx, operatorId: string): Promise<OperatorRow | undefined> {
  const [row] = await tx.select().from(operators).where(eq(operators.id, operatorId));
  return row;
}

export async function findOperatorByEmail(tx: Tx, email: string): Promise<OperatorRow | undefined> {
  const [row] = await tx.select().from(operators).where(sql`lower(${operators.email}) = lower(${email})`);
  return row;
}

export async function insertOperator(tx: Tx, values: typeof operators.$inferInsert): Promise<OperatorRow> {
  const [row] = await tx.insert(operators).values(values).returning();
  if (!row) throw new Error('insert into operators returned no row');
  return row;
}
