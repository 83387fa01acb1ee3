import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperatorLoginDocument } from './generated/graphql.js';
import { runCli } from './support/cli.js';
import { createTestDatabase, type TestDatabase } from './support/databases.js';
import { graphqlData } from './support/graphql-client.js';
import { startTestServer } from './support/test-server.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describe('parley operator create', () => {
  it('creates an operator who can log in', async () => {
    const created = await runCli(['operator', 'create', '--email', 'Ops@Platform.test', '--password', 'operator-password-1'], database);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^Created operator Ops@Platform\.test \([0-9a-f-]{36}\)\. Log in with the operatorLogin mutation\.\n$/);

    const duplicate = await runCli(['operator', 'create', '--email', 'ops@platform.test', '--password', 'operator-password-2'], database);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toBe('An operator with email ops@platform.test already exists.\n');

    const server = await startTestServer({ database: { ...database, migrated: true } });
    try {
      const login = await graphqlData(server.graphqlUrl, OperatorLoginDocument, { email: 'ops@platform.test', password: 'operator-password-1' });
      expect(login.operatorLogin.operator.email).toBe('Ops@Platform.test');
    } finally {
      await server.close();
    }
  }, 90_000); // each CLI run starts tsx and, on PGlite, migrates the database

  it('rejects a short password', async () => {
    const result = await runCli(['operator', 'create', '--email', 'short@platform.test', '--password', 'short'], database);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('password: must be at least 10 characters\n');
  }, 60_000);
});
