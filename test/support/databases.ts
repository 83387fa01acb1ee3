import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { inject } from 'vitest';

export const templateDatabaseName = () => `parley_test_template_${process.pid}`;

export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

export interface TestDatabase {
  /** A postgres:// URL, or undefined for the embedded PGlite in dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** False for a PGlite database that the server must migrate on start. */
  migrated: boolean;
  drop(): Promise<void>;
}

/**
 * Creates an empty, migrated database for one test file: a copy of the run's template on
 * PostgreSQL, or a fresh PGlite folder when DATABASE_URL is not set.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-test-'));
  const baseUrl = process.env.DATABASE_URL;
  const template = inject('templateDatabase');
  if (!baseUrl || !template) {
    return { databaseUrl: undefined, dataDir, migrated: false, drop: () => rm(dataDir, { recursive: true, force: true }) };
  }

  const name = `parley_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  // Concurrent copies of one template can collide briefly; retry a few times.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await admin.unsafe(`create database "${name}" template "${template}"`);
      break;
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
  await admin.end();

  return {
    databaseUrl: withDatabaseName(baseUrl, name),
    dataDir,
    migrated: true,
    async drop() {
      const cleanup = postgres(baseUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
