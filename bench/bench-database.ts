import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { openDatabase } from '../src/db/database.js';

/** A fresh, migrated database that exists only for one benchmark run. */
export interface BenchDatabase {
  readonly driver: 'postgres' | 'pglite';
  /** The scratch database's postgres:// URL, or undefined for PGlite in dataDir. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** Folder of the PGlite data files, which openDatabase keeps in `<dataDir>/pglite`. */
  readonly pgliteFolder: string;
  /** Drops the scratch database and removes the temporary folder. Safe to call twice. */
  drop(): Promise<void>;
}

/**
 * Creates `parley_bench_<pid>` on the server behind `serverUrl` and migrates it, or, without a
 * URL, a PGlite database in a new temporary folder.
 */
export async function createBenchDatabase(serverUrl: string | undefined): Promise<BenchDatabase> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-bench-'));
  const removeDataDir = () => rm(dataDir, { recursive: true, force: true });
  const pgliteFolder = path.join(dataDir, 'pglite');

  if (!serverUrl) {
    try {
      await migrate(undefined, dataDir);
    } catch (error) {
      await removeDataDir();
      throw error;
    }
    return { driver: 'pglite', databaseUrl: undefined, dataDir, pgliteFolder, drop: removeDataDir };
  }

  const name = `parley_bench_${process.pid}`;
  const databaseUrl = withDatabaseName(serverUrl, name);
  let created = false;
  const drop = async () => {
    if (created) {
      created = false;
      await runAdminStatement(serverUrl, `drop database if exists "${name}" with (force)`);
    }
    await removeDataDir();
  };

  try {
    // A database left by an earlier run that was killed under the same process id is replaced.
    await runAdminStatement(serverUrl, `drop database if exists "${name}" with (force)`);
    await runAdminStatement(serverUrl, `create database "${name}"`);
    created = true;
    await migrate(databaseUrl, dataDir);
  } catch (error) {
    await drop();
    throw error;
  }
  return { driver: 'postgres', databaseUrl, dataDir, pgliteFolder, drop };
}

async function migrate(databaseUrl: string | undefined, dataDir: string): Promise<void> {
  const db = await openDatabase({ databaseUrl, dataDir });
  try {
    await db.migrate();
  } finally {
    await db.close();
  }
}

async function runAdminStatement(serverUrl: string, statement: string): Promise<void> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(statement);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
