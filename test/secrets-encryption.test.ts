import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { openDatabase } from '../src/db/database.js';
import { findChannelSecrets } from '../src/db/queries/channels.js';
import { auditLog, channels } from '../src/db/schema.js';
import { createKeyring, DecryptionError } from '../src/secrets/keyring.js';
import { rotateChannelSecrets } from '../src/services/secrets-rotation.service.js';
import { ChannelsDocument, ConversationsDocument, SendMessageDocument } from './generated/graphql.js';
import { runCli } from './support/cli.js';
import { createTestDatabase, type TestDatabase } from './support/databases.js';
import { startFakeGraphApi, type FakeGraphApi } from './support/fake-graph-api.js';
import { graphqlData } from './support/graphql-client.js';
import { createTenantWithChannels, PAGE_ID, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { postWebhook } from './support/webhooks.js';

const OLD_KEY = { id: 'old', key: randomBytes(32) };
const NEW_KEY = { id: 'new-2027', key: randomBytes(32) };
const keysVariable = (...keys: { id: string; key: Buffer }[]) => keys.map((entry) => `${entry.id}:${entry.key.toString('base64')}`).join(',');

const DISTINCT_TOKEN = 'EAAB-page-token-that-must-never-be-stored-in-plain-text';
const LEGACY_TOKEN = 'EAAB-legacy-token-from-before-encryption';
const LEGACY_PAGE = '100000000000888';

describe('keyring', () => {
  const keyring = createKeyring([OLD_KEY]);

  it('decrypts what it encrypted, in the versioned format', () => {
    const stored = keyring.encrypt('secret value', 'channels.access_token:1');
    expect(stored).toMatch(/^enc:v1:old:[\w-]{16}:[\w-]+$/);
    expect(stored).not.toContain('secret');
    expect(keyring.decrypt(stored, 'channels.access_token:1')).toBe('secret value');
  });

  it('uses a fresh IV each time', () => {
    expect(keyring.encrypt('same', 'context')).not.toBe(keyring.encrypt('same', 'context'));
  });

  it('rejects a value bound to another row', () => {
    const stored = keyring.encrypt('secret value', 'channels.access_token:1');
    expect(() => keyring.decrypt(stored, 'channels.access_token:2')).toThrow(DecryptionError);
  });

  it('rejects a tampered value', () => {
    const stored = keyring.encrypt('secret value', 'context');
    const parts = stored.split(':');
    // Flip one bit of the ciphertext itself: editing the last base64 character may only touch padding bits.
    const sealed = Buffer.from(parts[4]!, 'base64url');
    sealed[0] = sealed[0]! ^ 0x01;
    const tampered = [...parts.slice(0, 4), sealed.toString('base64url')].join(':');
    expect(() => keyring.decrypt(tampered, 'context')).toThrow(DecryptionError);
  });

  it('names a key id it does not have', () => {
    const stored = createKeyring([NEW_KEY]).encrypt('secret value', 'context');
    expect(() => keyring.decrypt(stored, 'context')).toThrow('No configured key has id "new-2027"; add it to ENCRYPTION_KEYS.');
  });

  it('rejects plain text', () => {
    expect(() => keyring.decrypt('plain token', 'context')).toThrow(DecryptionError);
  });
});

describe('ENCRYPTION_KEYS', () => {
  const problemsOf = (environment: Record<string, string>) => {
    try {
      loadConfig(environment);
      return [];
    } catch (error) {
      return error instanceof ConfigError ? error.problems : [String(error)];
    }
  };

  it('puts the first key first', () => {
    const config = loadConfig({ ENCRYPTION_KEYS: keysVariable(NEW_KEY, OLD_KEY) });
    expect(config.encryptionKeys.map((entry) => entry.id)).toEqual(['new-2027', 'old']);
    expect(config.encryptionKeys[0]?.key.equals(NEW_KEY.key)).toBe(true);
  });

  it.each([
    ['a short key', `k1:${randomBytes(16).toString('base64')}`, 'ENCRYPTION_KEYS: key "k1" decodes to 16 bytes; AES-256 needs exactly 32 (generate one with: openssl rand -base64 32)'],
    ['no key id', randomBytes(32).toString('base64'), 'ENCRYPTION_KEYS: key 1 must look like keyId:base64, with a key id of 1 to 32 letters, digits, "_" or "-"'],
    ['a repeated id', `k1:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`, 'ENCRYPTION_KEYS: key id "k1" is listed twice'],
    ['text that is not base64', 'k1:not base64!', 'ENCRYPTION_KEYS: key "k1" is not base64'],
  ])('rejects %s', (_case, value, problem) => {
    expect(problemsOf({ ENCRYPTION_KEYS: value })).toEqual([problem]);
  });

  it('is required in production', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(32),
      META_APP_SECRET: 'app-secret',
      META_VERIFY_TOKEN: 'verify-token',
    });
    expect(problems).toEqual(['ENCRYPTION_KEYS: required when NODE_ENV is production']);
  });

  it('falls back to a development key that is flagged', () => {
    const config = loadConfig({});
    expect(config.encryptionKeys.map((entry) => entry.id)).toEqual(['dev']);
    expect(config.usesDevelopmentSecrets).toBe(true);
  });
});

describe('channel secrets at rest', () => {
  let database: TestDatabase;
  let server: TestServer;
  let graphApi: FakeGraphApi;
  let tenant: TestTenant;

  const storedSecrets = () =>
    server.app.db.withSystem((tx) =>
      tx.select({ id: channels.id, externalId: channels.externalId, accessToken: channels.accessToken }).from(channels).orderBy(channels.externalId),
    );

  beforeAll(async () => {
    database = await createTestDatabase();
    graphApi = await startFakeGraphApi();
    graphApi.allowToken(DISTINCT_TOKEN);
    server = await startTestServer({ database, graphApiUrl: graphApi.url, environment: { ENCRYPTION_KEYS: keysVariable(OLD_KEY) } });
    tenant = await createTenantWithChannels(server, 'secret-tenant', [{ kind: 'messenger', externalId: PAGE_ID, accessToken: DISTINCT_TOKEN }]);
  });

  afterAll(async () => {
    await server?.close();
    await graphApi?.close();
    await database?.drop();
  });

  it('stores no plain text in the column', async () => {
    const [row] = await storedSecrets();
    expect(row?.accessToken).toMatch(/^enc:v1:old:/);
    expect(row?.accessToken).not.toContain(DISTINCT_TOKEN);
    expect(row?.accessToken).not.toContain(Buffer.from(DISTINCT_TOKEN).toString('base64').slice(0, 12));
  });

  it('decrypts the token to send a reply', async () => {
    const timestamp = Date.now();
    await postWebhook(server.url, {
      object: 'page',
      entry: [{ id: PAGE_ID, time: timestamp, messaging: [{ sender: { id: '9000000000000001' }, recipient: { id: PAGE_ID }, timestamp, message: { mid: 'm_secret_1', text: 'Hi' } }] }],
    });
    const inbox = await graphqlData(server.graphqlUrl, ConversationsDocument, { first: 1 }, tenant.adminToken);
    const sent = await graphqlData(server.graphqlUrl, SendMessageDocument, { input: { conversationId: inbox.conversations.edges[0]!.node.id, text: 'Hello' } }, tenant.adminToken);

    expect(sent.sendMessage.status).toBe('SENT');
    expect(graphApi.requests.at(-1)?.query.access_token).toBe(DISTINCT_TOKEN);
  });

  it('exposes no secret over GraphQL', async () => {
    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.adminToken}` },
      body: JSON.stringify({ query: '{ channels { id accessToken } }' }),
    });
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const channelsData = await graphqlData(server.graphqlUrl, ChannelsDocument, {}, tenant.adminToken);
    expect(JSON.stringify(channelsData)).not.toContain(DISTINCT_TOKEN);
  });

  it('refuses a ciphertext copied into another channel', async () => {
    const other = await server.app.services.tenantAdmin.createChannel({ tenantSlug: tenant.slug, kind: 'facebook_page', externalId: PAGE_ID, accessToken: 'other-token' });
    const [original] = await storedSecrets();
    await server.app.db.withSystem((tx) => tx.update(channels).set({ accessToken: original!.accessToken }).where(eq(channels.id, other.id)));

    const keyring = createKeyring([OLD_KEY]);
    const error = await server.app.db.withTenant(tenant.tenantId, (tx) => findChannelSecrets(tx, keyring, other.id)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DecryptionError);
    await server.app.db.withSystem((tx) => tx.delete(channels).where(eq(channels.id, other.id)));
  });

  it('rotates every secret to the new key, plain text included', async () => {
    await server.app.services.tenantAdmin.createChannel({ tenantSlug: tenant.slug, kind: 'messenger', externalId: LEGACY_PAGE, accessToken: null });
    await server.app.db.withSystem((tx) => tx.update(channels).set({ accessToken: LEGACY_TOKEN }).where(eq(channels.externalId, LEGACY_PAGE)));

    const rotating = createKeyring([NEW_KEY, OLD_KEY]);
    const progress: number[] = [];
    const totals = await rotateChannelSecrets({ db: server.app.db, keyring: rotating }, (step) => progress.push(step.channels));
    expect(totals).toEqual({ keyId: 'new-2027', channels: 2, reencrypted: 2, wasPlaintext: 1, alreadyCurrent: 0 });
    expect(progress).toEqual([2]);

    const rows = await storedSecrets();
    expect(rows.map((row) => row.accessToken?.startsWith('enc:v1:new-2027:'))).toEqual([true, true]);
    expect(rows.map((row) => row.accessToken).join()).not.toContain(LEGACY_TOKEN);

    const newOnly = createKeyring([NEW_KEY]);
    const decrypted = await server.app.db.withTenant(tenant.tenantId, async (tx) =>
      Promise.all(rows.map(async (row) => (await findChannelSecrets(tx, newOnly, row.id))?.accessToken)),
    );
    expect(decrypted).toEqual([DISTINCT_TOKEN, LEGACY_TOKEN]);

    const [entry] = await server.app.db.withSystem((tx) => tx.select().from(auditLog).where(sql`${auditLog.action} = 'secrets_rotated'`));
    expect(entry).toMatchObject({ tenantId: null, actorKind: 'system', data: totals });

    const again = await rotateChannelSecrets({ db: server.app.db, keyring: rotating });
    expect(again).toEqual({ keyId: 'new-2027', channels: 2, reencrypted: 0, wasPlaintext: 0, alreadyCurrent: 2 });
  });
});

describe('parley secrets rotate', () => {
  it('re-encrypts with the first key and prints the counts', async () => {
    const database = await createTestDatabase();
    try {
      const db = await openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
      try {
        if (!database.migrated) await db.migrate();
        const { createTenantAdminService } = await import('../src/services/tenant-admin.service.js');
        const admin = createTenantAdminService({ db, keyring: createKeyring([OLD_KEY]) });
        await admin.createTenant({ slug: 'cli-tenant', name: 'CLI', adminEmail: 'admin@cli.test', adminPassword: 'cli-password-123' });
        await admin.createChannel({ tenantSlug: 'cli-tenant', kind: 'messenger', externalId: PAGE_ID, accessToken: DISTINCT_TOKEN });
      } finally {
        await db.close();
      }

      const result = await runCli(['secrets', 'rotate'], database, { ENCRYPTION_KEYS: keysVariable(NEW_KEY, OLD_KEY) });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(
        '  1 channels checked, 1 secrets re-encrypted\n' +
          'Done with key "new-2027": 1 channels, 1 secrets re-encrypted (0 of them were plain text), 0 already current.\n',
      );

      const after = await openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
      try {
        const [row] = await after.withSystem((tx) => tx.select({ accessToken: channels.accessToken }).from(channels));
        expect(row?.accessToken).toMatch(/^enc:v1:new-2027:/);
      } finally {
        await after.close();
      }
    } finally {
      await database.drop();
    }
  }, 90_000); // the CLI run starts tsx and, on PGlite, migrates the database
});
