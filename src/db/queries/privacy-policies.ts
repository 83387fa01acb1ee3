import { and, asc, eq, max } from 'drizzle-orm';
import type { Tx } from '../database.js';
import { privacyPolicies, privacyPolicyViews } from '../schema.js';

export type PrivacyPolicyRow = typeof privacyPolicies.$inferSelect;
export type PrivacyPolicyViewRow = typeof privacyPolicyViews.$inferSelect;

// All of these run in the tenant's transaction; RLS limits them to its rows.

export async function findLatestPolicyVersion(tx: Tx): Promise<number | undefined> {
  const [row] = await tx.select({ version: max(privacyPolicies.version) }).from(privacyPolicies);
  return row?.version ?? undefined;
}

/** Returns every locale's text of the newest version, by locale; empty when none is published. */
export async function findLatestPolicyTexts(tx: Tx): Promise<PrivacyPolicyRow[]> {
  const version = await findLatestPolicyVersion(tx);
  if (version === undefined) return [];
  return tx.select().from(privacyPolicies).where(eq(privacyPolicies.version, version)).orderBy(asc(privacyPolicies.locale));
}

export function insertPolicyTexts(tx: Tx, rows: (typeof privacyPolicies.$inferInsert)[]): Promise<PrivacyPolicyRow[]> {
  return tx.insert(privacyPolicies).values(rows).returning();
}

export async function policyTextExists(tx: Tx, version: number, locale: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: privacyPolicies.id })
    .from(privacyPolicies)
    .where(and(eq(privacyPolicies.version, version), eq(privacyPolicies.locale, locale)));
  return row !== undefined;
}

export async function insertPolicyView(tx: Tx, values: typeof privacyPolicyViews.$inferInsert): Promise<PrivacyPolicyViewRow> {
  const [row] = await tx.insert(privacyPolicyViews).values(values).returning();
  if (!row) throw new Error('insert into privacy_policy_views returned no row');
  return row;
}
