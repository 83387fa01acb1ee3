import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/database.js';
import { TABLE_COVERAGE } from '../src/privacy/table-coverage.js';
import { createTestDatabase, type TestDatabase } from './support/databases.js';
import { rowsOf } from './support/privacy.js';

let database: TestDatabase;
let db: Database;

// Starting a server with an embedded PGlite can take a minute on a busy 2-core machine.
beforeAll(async () => {
  database = await createTestDatabase();
  db = await openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
  if (!database.migrated) await db.migrate();
}, 180_000);

afterAll(async () => {
  await db?.close();
  await database?.drop();
});

/** Lists the application's tables as PostgreSQL reports them; drizzle's migration log is in its own schema. */
async function listTables(): Promise<string[]> {
  const result = await db.withSystem((tx) =>
    tx.execute(sql`
      select c.relname as name
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')
      order by c.relname`),
  );
  return rowsOf<{ name: string }>(result).map((row) => row.name);
}

describe('privacy table coverage', () => {
  it('classifies every table in the database', async () => {
    const tables = await listTables();
    const unclassified = tables.filter((table) => !(table in TABLE_COVERAGE));

    // On failure: add the table to TABLE_COVERAGE in src/privacy/table-coverage.ts, saying how
    // export and erasure handle its rows, or why it contains no personal data.
    expect(unclassified).toEqual([]);
    expect(tables.length).toBeGreaterThanOrEqual(16);
  });

  it('names no table that does not exist', async () => {
    const tables = new Set(await listTables());

    expect(Object.keys(TABLE_COVERAGE).filter((table) => !tables.has(table))).toEqual([]);
  });

  it('gives a reason or a plan for each table', () => {
    for (const [table, coverage] of Object.entries(TABLE_COVERAGE)) {
      if (!coverage.personalData) {
        expect(coverage.reason.length, table).toBeGreaterThan(10);
        continue;
      }
      const plans = [coverage.contact, coverage.agent].filter((plan) => plan !== undefined);
      expect(plans.length > 0 || (coverage.otherwise ?? '').length > 10, table).toBe(true);
      for (const plan of plans) {
        expect(plan.export.length, `${table} export`).toBeGreaterThan(5);
        expect(plan.erase.length, `${table} erase`).toBeGreaterThan(5);
      }
    }
  });
});
