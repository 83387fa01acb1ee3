import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { channels } from '../src/db/schema.js';
import { createTestDatabase, type TestDatabase } from './support/databases.js';

// Runs the real CLI in a child process against a database of its own. Each run that opens the
// database starts PGlite and checks migrations, which takes several seconds without DATABASE_URL.
const CLI_TIMEOUT_MS = 120_000;

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

let database: TestDatabase;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function parley(...args: string[]): Promise<CliResult> {
  const env = {
    PATH: process.env.PATH,
    DATA_DIR: database.dataDir,
    LOG_LEVEL: 'silent',
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
  };
  try {
    const { stdout, stderr } = await run(tsx, ['src/cli/main.ts', ...args], { cwd: root, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function loadChannels() {
  const db = await openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
  try {
    return await db.withSystem((tx) =>
      tx.select({ kind: channels.kind, externalId: channels.externalId, settings: channels.settings, accessToken: channels.accessToken }).from(channels),
    );
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  const created = await parley(
    'tenant', 'create', '--slug', 'cli-shop', '--name', 'CLI Shop',
    '--admin-email', 'admin@cli-shop.test', '--admin-password', 'correct-horse-battery',
  );
  expect(created.stderr).toBe('');
  expect(created.code).toBe(0);
}, CLI_TIMEOUT_MS);

afterAll(async () => {
  await database?.drop();
});

describe('parley channel create', { timeout: CLI_TIMEOUT_MS }, () => {
  it('connects a WhatsApp phone number with its business account', async () => {
    const result = await parley(
      'channel', 'create', '--tenant', 'cli-shop', '--kind', 'whatsapp',
      '--phone-number-id', '200000000000001', '--business-account-id', '300000000000001', '--access-token', 'whatsapp-token',
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Connected whatsapp channel for phone number 200000000000001 \([0-9a-f-]{36}\)\.\n$/);
    const [channel, ...others] = await loadChannels();
    expect(others).toEqual([]);
    expect({ kind: channel?.kind, externalId: channel?.externalId, settings: channel?.settings }).toEqual({
      kind: 'whatsapp',
      externalId: '200000000000001',
      settings: { businessAccountId: '300000000000001' },
    });
    // Stored encrypted: the column never holds the token itself.
    expect(channel?.accessToken).toMatch(/^enc:v1:/);
    expect(channel?.accessToken).not.toContain('whatsapp-token');
  });

  it('requires the business account id for WhatsApp', async () => {
    const result = await parley(
      'channel', 'create', '--tenant', 'cli-shop', '--kind', 'whatsapp', '--phone-number-id', '200000000000002', '--access-token', 'token',
    );

    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe('Missing --business-account-id.');
  });

  it('rejects a phone number id that is not numeric', async () => {
    const result = await parley(
      'channel', 'create', '--tenant', 'cli-shop', '--kind', 'whatsapp',
      '--phone-number-id', '+1 555 0100', '--business-account-id', '300000000000001', '--access-token', 'token',
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toBe('phone number id: must be the numeric phone number id, as Meta shows it\n');
  });

  it('keeps connecting Messenger pages', async () => {
    const result = await parley(
      'channel', 'create', '--tenant', 'cli-shop', '--kind', 'messenger', '--page-id', '100000000000001', '--access-token', 'page-token',
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Connected messenger channel for page 100000000000001 \(/);
  });

  it('lists the WhatsApp options in help', async () => {
    const result = await parley('help');

    expect(result.stdout).toContain('--kind whatsapp --phone-number-id ID --business-account-id ID --access-token TOKEN');
  });
});
