import type { BenchDatabase } from './bench-database.js';

/** Parameters of a baseline statement: text, or null for SQL NULL. */
export type SqlParameter = string | null;
export type SqlRow = Record<string, unknown>;

/** A transaction on the raw driver, without drizzle. */
export interface SqlTransaction {
  query(text: string, parameters: SqlParameter[]): Promise<SqlRow[]>;
}

/** The baseline's own connection to the benchmark database, as its owner, without RLS. */
export interface BaselineClient {
  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Opens postgres.js on the scratch database, with the pool size openDatabase uses (10), or PGlite
 * on the folder Parley used. PGlite allows one open instance per folder, so Parley must be stopped.
 */
export async function openBaselineClient(database: BenchDatabase): Promise<BaselineClient> {
  if (database.databaseUrl) {
    const { default: postgres } = await import('postgres');
    const sql = postgres(database.databaseUrl, { max: 10, onnotice: () => {} });
    return {
      async transaction(work) {
        // Named prepared statements, as postgres.js uses for tagged templates by default.
        const result = await sql.begin((tx) =>
          work({ query: (text, parameters) => tx.unsafe<SqlRow[]>(text, parameters, { prepare: true }) }),
        );
        return result as Awaited<ReturnType<typeof work>>;
      },
      close: () => sql.end({ timeout: 5 }),
    };
  }

  const { PGlite } = await import('@electric-sql/pglite');
  const client = new PGlite(database.pgliteFolder);
  await client.waitReady;
  return {
    transaction(work) {
      return client.transaction((tx) =>
        work({ query: async (text, parameters) => (await tx.query<SqlRow>(text, parameters)).rows }),
      );
    },
    close: () => client.close(),
  };
}
