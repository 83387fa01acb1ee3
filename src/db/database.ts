import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { acquireDataDirLock } from './data-dir-lock.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** A drizzle handle on either driver: postgres.js for PostgreSQL, or PGlite. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A drizzle handle inside an open transaction. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Arbitrary constant naming Parley's migration lock among PostgreSQL advisory locks. */
const MIGRATION_LOCK_KEY = 7_112_024_001;

/** Called once per SQL statement the driver sends; tests use it to count statements. */
export type StatementListener = (statement: string) => void;

/**
 * The database with its two ways in: `withTenant` for everything a request does, and
 * `withSystem` for the few cross-tenant operations (webhook routing, operator commands).
 */
export interface Database {
  readonly driver: 'postgres' | 'pglite';
  /** Runs `work` in a transaction as parley_app with `parley.tenant_id` set, so RLS scopes every query. */
  withTenant<T>(tenantId: string, work: (tx: Tx) => Promise<T>): Promise<T>;
  /** Runs `work` in a transaction as the owning role, which bypasses RLS. Never for request data. */
  withSystem<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  migrate(): Promise<void>;
  onStatement(listener: StatementListener): () => void;
  close(): Promise<void>;
}

export async function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
}): Promise<Database> {
  const listeners = new Set<StatementListener>();
  const logger = {
    logQuery(statement: string) {
      for (const listener of listeners) listener(statement);
    },
  };

  let db: Db;
  let driver: Database['driver'];
  let closeDriver: () => Promise<void>;
  let runMigrations: () => Promise<void>;

  const databaseUrl = options.databaseUrl;
  if (databaseUrl) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const { migrate } = await import('drizzle-orm/postgres-js/migrator');
    const client = postgres(databaseUrl, {
      max: 10,
      onnotice: () => {},
      connection: { application_name: 'parley' },
    });
    const postgresDb = drizzle(client, { schema, logger });
    db = postgresDb as unknown as Db;
    driver = 'postgres';
    closeDriver = () => client.end({ timeout: 5 });
    runMigrations = async () => {
      // Instances starting together on an empty database would race to create the same types;
      // a session-level advisory lock makes them take turns. It needs one session for lock,
      // migrations and unlock, hence a client with a single connection.
      const migrationClient = postgres(databaseUrl, { max: 1, onnotice: () => {} });
      try {
        await migrationClient`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
        await migrate(drizzle(migrationClient, { schema }), { migrationsFolder });
      } finally {
        await migrationClient.end({ timeout: 5 });
      }
    };
  } else {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    const folder = path.resolve(options.dataDir, 'pglite');
    mkdirSync(folder, { recursive: true });
    const releaseLock = acquireDataDirLock(folder);
    const client = new PGlite(folder);
    const pgliteDb = drizzle(client, { schema, logger });
    db = pgliteDb as unknown as Db;
    driver = 'pglite';
    closeDriver = async () => {
      await client.close();
      releaseLock();
    };
    runMigrations = () => migrate(pgliteDb, { migrationsFolder });
  }

  return {
    driver,
    withTenant(tenantId, work) {
      return db.transaction(async (tx) => {
        await tx.execute(
          sql`select set_config('role', 'parley_app', true), set_config('parley.tenant_id', ${tenantId}, true)`,
        );
        return work(tx);
      });
    },
    withSystem(work) {
      return db.transaction(work);
    },
    migrate: runMigrations,
    onStatement(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: closeDriver,
  };
}
