import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetentionSettingsDocument, SetRetentionDocument } from './generated/graphql.js';
import { graphqlData, graphqlRequest } from './support/graphql-client.js';
import { queryRows, receiveVisitorMessages, rowIdOf } from './support/privacy.js';
import { addAgent, createTenantWithChannels, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const PAGE_ID = '100000000000021';

let server: TestServer;
let tenant: TestTenant;

// Starting a server with an embedded PGlite can take a minute on a busy 2-core machine.
beforeAll(async () => {
  // A one-second purge interval, so the scheduled purge runs while the test waits.
  server = await startTestServer({ environment: { RETENTION_INTERVAL_SECONDS: '1' } });
  tenant = await createTenantWithChannels(server, 'retention-tenant', [{ kind: 'messenger', externalId: PAGE_ID }]);
}, 180_000);

afterAll(async () => {
  await server?.close();
});

/** Moves a contact's conversation and everything in it `days` into the past. */
async function ageContact(contactId: string, days: number) {
  const rowId = rowIdOf(contactId);
  const past = sql`now() - make_interval(days => ${days})`;
  await queryRows(server, sql`update conversations set last_activity_at = ${past}, created_at = ${past} where contact_id = ${rowId} returning id`);
  await queryRows(server, sql`update contacts set updated_at = ${past}, created_at = ${past} where id = ${rowId} returning id`);
}

async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('setRetention', () => {
  it('stores both periods and logs the change', async () => {
    const data = await graphqlData(server.graphqlUrl, SetRetentionDocument, { conversationDays: 400, attachmentDays: 90 }, tenant.adminToken);
    const read = await graphqlData(server.graphqlUrl, RetentionSettingsDocument, {}, tenant.adminToken);
    const [audit] = await queryRows<{ action: string; data: unknown }>(
      server,
      sql`select action, data from audit_log where tenant_id = ${tenant.tenantId} and action = 'retention.set' order by id desc limit 1`,
    );

    expect(data.setRetention).toEqual({ conversationDays: 400, attachmentDays: 90 });
    expect(read.retentionSettings).toEqual({ conversationDays: 400, attachmentDays: 90 });
    expect(audit?.data).toMatchObject({ conversationDays: 400, attachmentDays: 90 });
  });

  it('keeps everything forever with null', async () => {
    const data = await graphqlData(server.graphqlUrl, SetRetentionDocument, { conversationDays: null, attachmentDays: null }, tenant.adminToken);

    expect(data.setRetention).toEqual({ conversationDays: null, attachmentDays: null });
  });

  it.each([
    [{ conversationDays: 0 }, '"conversationDays" must be a whole number of days from 1 to 36500, or null to keep forever; got 0.'],
    [{ attachmentDays: 36_501 }, '"attachmentDays" must be a whole number of days from 1 to 36500, or null to keep forever; got 36501.'],
    [
      { conversationDays: 30, attachmentDays: 60 },
      '"attachmentDays" (60) is longer than "conversationDays" (30); attachments are deleted with their conversation, so use at most 30.',
    ],
  ])('rejects %j with BAD_USER_INPUT', async (variables, message) => {
    const response = await graphqlRequest(server.graphqlUrl, SetRetentionDocument, variables, tenant.adminToken);

    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toBe(message);
  });

  it('is FORBIDDEN for a supervisor', async () => {
    const supervisor = await addAgent(server, tenant.slug, 'retention-supervisor', 'supervisor');
    const response = await graphqlRequest(server.graphqlUrl, SetRetentionDocument, { conversationDays: 1 }, supervisor.token);

    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('scheduled retention purge', () => {
  it('deletes expired conversations and logs counts only', async () => {
    const old = await receiveVisitorMessages(server, tenant, `61${Date.now()}`, [{ text: 'old one' }, { text: 'old two' }], PAGE_ID);
    const recent = await receiveVisitorMessages(server, tenant, `62${Date.now()}`, [{ text: 'recent' }], PAGE_ID);
    await ageContact(old, 40);
    await ageContact(recent, 5);

    await graphqlData(server.graphqlUrl, SetRetentionDocument, { conversationDays: 30 }, tenant.adminToken);

    const entry = await waitFor(async () => {
      const [row] = await queryRows<{ actor_kind: string; data: Record<string, unknown> }>(
        server,
        sql`select actor_kind, data from audit_log where tenant_id = ${tenant.tenantId} and action = 'retention.purge' order by id desc limit 1`,
      );
      return row;
    });
    expect(entry.actor_kind).toBe('system');
    expect(entry.data).toEqual({
      conversations: 1,
      messages: 2,
      contacts: 1,
      pendingMessageUpdates: 0,
      mediaObjects: 0,
      storedFiles: 0,
      retentionDays: 30,
      attachmentRetentionDays: null,
    });
    expect(await queryRows(server, sql`select 1 from contacts where id = ${rowIdOf(old)}`)).toEqual([]);
    expect(await queryRows(server, sql`select 1 from conversations where contact_id = ${rowIdOf(recent)}`)).toHaveLength(1);
  });
});
