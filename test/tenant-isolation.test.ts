import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlState, sqlStateOf } from '../src/db/postgres-errors.js';
import { contacts, conversations, messages } from '../src/db/schema.js';
import { ConversationMessagesDocument, ConversationsDocument, SendMessageDocument } from './generated/graphql.js';
import { graphqlData, graphqlRequest } from './support/graphql-client.js';
import { createTenantWithChannels, PAGE_ID, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { postWebhook } from './support/webhooks.js';

const PAGE_B = '100000000000002';

let server: TestServer;
let tenantA: TestTenant;
let tenantB: TestTenant;

function messengerText(pageId: string, visitorId: string, mid: string, text: string) {
  const timestamp = Date.now();
  return {
    object: 'page',
    entry: [{ id: pageId, time: timestamp, messaging: [{ sender: { id: visitorId }, recipient: { id: pageId }, timestamp, message: { mid, text } }] }],
  };
}

beforeAll(async () => {
  server = await startTestServer();
  tenantA = await createTenantWithChannels(server, 'tenant-a', [{ kind: 'messenger', externalId: PAGE_ID }]);
  tenantB = await createTenantWithChannels(server, 'tenant-b', [{ kind: 'messenger', externalId: PAGE_B }]);
  await postWebhook(server.url, messengerText(PAGE_ID, '9000000000000001', 'm_a_1', 'Secret of tenant A'));
  await postWebhook(server.url, messengerText(PAGE_B, '9000000000000001', 'm_b_1', 'Secret of tenant B'));
});

afterAll(async () => {
  await server?.close();
});

describe('row-level security', () => {
  it("returns only the current tenant's rows to a query without a tenant filter", async () => {
    const seenByA = await server.app.db.withTenant(tenantA.tenantId, (tx) => tx.select({ text: messages.text }).from(messages));
    expect(seenByA).toEqual([{ text: 'Secret of tenant A' }]);
    const seenByB = await server.app.db.withTenant(tenantB.tenantId, (tx) => tx.select({ text: messages.text }).from(messages));
    expect(seenByB).toEqual([{ text: 'Secret of tenant B' }]);
  });

  it('returns nothing when no tenant is set', async () => {
    const rows = await server.app.db.withSystem(async (tx) => {
      await tx.execute(sql`set local role parley_app`);
      return tx.select().from(conversations);
    });
    expect(rows).toEqual([]);
  });

  it("rejects writing a row into another tenant's data", async () => {
    const attempt = server.app.db.withTenant(tenantA.tenantId, (tx) =>
      tx.insert(contacts).values({ tenantId: tenantB.tenantId, displayName: 'Intruder' }),
    );
    await expect(attempt).rejects.toThrow();
    const contactsOfB = await server.app.db.withTenant(tenantB.tenantId, (tx) => tx.select({ name: contacts.displayName }).from(contacts));
    expect(contactsOfB.map((row) => row.name)).not.toContain('Intruder');
  });

  it('keeps the conversation event log append-only for request code', async () => {
    const attempt = server.app.db.withTenant(tenantA.tenantId, (tx) => tx.execute(sql`delete from conversation_events`));
    const error = await attempt.then(() => undefined, (reason: unknown) => reason);
    expect(sqlStateOf(error)).toBe(SqlState.InsufficientPrivilege);
  });
});

describe('GraphQL across tenants', () => {
  it("hides another tenant's conversation by id", async () => {
    const inboxA = await graphqlData(server.graphqlUrl, ConversationsDocument, {}, tenantA.adminToken);
    expect(inboxA.conversations.edges.map((edge) => edge.node.lastMessage?.text)).toEqual(['Secret of tenant A']);
    const conversationOfA = inboxA.conversations.edges[0]!.node.id;

    const asB = await graphqlData(server.graphqlUrl, ConversationMessagesDocument, { id: conversationOfA, first: 10 }, tenantB.adminToken);
    expect(asB.conversation).toBeNull();
  });

  it("refuses to reply in another tenant's conversation", async () => {
    const inboxA = await graphqlData(server.graphqlUrl, ConversationsDocument, {}, tenantA.adminToken);
    const conversationOfA = inboxA.conversations.edges[0]!.node.id;
    const response = await graphqlRequest(server.graphqlUrl, SendMessageDocument, { input: { conversationId: conversationOfA, text: 'Hijack' } }, tenantB.adminToken);
    expect(response.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const stored = await server.app.db.withTenant(tenantA.tenantId, (tx) => tx.select({ text: messages.text }).from(messages));
    expect(stored.map((row) => row.text)).not.toContain('Hijack');
  });
});

describe('database schema', () => {
  it('has a tenant_isolation policy on every table with a tenant_id column', async () => {
    const rows = await server.app.db.withSystem((tx) =>
      tx.execute(sql`
        select c.relname as table_name, c.relrowsecurity as rls_enabled,
               exists (select 1 from pg_policy p where p.polrelid = c.oid and p.polname = 'tenant_isolation') as has_policy
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
        join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
        where c.relkind = 'r'
        order by c.relname`),
    );
    const tables = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as {
      table_name: string;
      rls_enabled: boolean;
      has_policy: boolean;
    }[];
    expect(tables.length).toBeGreaterThanOrEqual(9);
    for (const table of tables) {
      expect({ table: table.table_name, rls: table.rls_enabled, policy: table.has_policy }).toEqual({
        table: table.table_name,
        rls: true,
        policy: true,
      });
    }
  });
});
