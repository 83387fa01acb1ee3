import postgres from 'postgres';
import { openDatabase } from '../../src/db/database.js';
import type { TestProject } from 'vitest/node';
import { templateDatabaseName, withDatabaseName } from './databases.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string | undefined;
  }
}

/**
 * With DATABASE_URL set, migrates one template database per run; every test file then gets a
 * fresh copy of it. Without DATABASE_URL, test files use their own embedded PGlite instead.
 */
export default async function setup(project: TestProject) {
  const baseUrl = process.env.DATABASE_URL;
  project.provide('templateDatabase', undefined);
  if (!baseUrl) return undefined;

  const template = templateDatabaseName();
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${template}" with (force)`);
  await admin.unsafe(`create database "${template}"`);
  const db = await openDatabase({ databaseUrl: withDatabaseName(baseUrl, template), dataDir: '' });
  await db.migrate();
  await db.close();
  project.provide('templateDatabase', template);

  return async () => {
    await admin.unsafe(`drop database if exists "${template}" with (force)`);
    await admin.end();
  };
}
