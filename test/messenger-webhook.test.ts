import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConversationsDocument } from './generated/graphql.js';
import { graphqlData } from './support/graphql-client.js';
import { createTenantWithChannels, PAGE_ID, type TestTenant } from './support/tenants.js';
import { startTestServer, TEST_VERIFY_TOKEN, type TestServer } from './support/test-server.js';
import { postFixture, postWebhook, readFixture } from './support/webhooks.js';

let server: TestServer;
let tenant: TestTenant;

/** Counts rows across tenants, as the table owner: what is really stored, whatever RLS shows. */
async function countRows(table: 'contacts' | 'conversations' | 'messages' | 'conversation_events'): Promise<number> {
  const rows = await server.app.db.withSystem((tx) => tx.execute(sql.raw(`select count(*)::int as n from ${table}`)));
  const list = Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows;
  return Number((list[0] as { n: number }).n);
}

async function resetConversations() {
  await server.app.db.withSystem((tx) => tx.execute(sql`delete from contacts`));
}

beforeAll(async () => {
  server = await startTestServer();
  tenant = await createTenantWithChannels(server, 'webhook-tenant', [{ kind: 'messenger', externalId: PAGE_ID }]);
});

afterAll(async () => {
  await server?.close();
});

beforeEach(resetConversations);

describe('GET /webhooks/meta verification handshake', () => {
  it('echoes the challenge when the verify token matches', async () => {
    const response = await fetch(
      `${server.url}/webhooks/meta?hub.mode=subscribe&hub.verify_token=${TEST_VERIFY_TOKEN}&hub.challenge=1158201444`,
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('1158201444');
  });

  it('rejects a wrong verify token with 403', async () => {
    const response = await fetch(`${server.url}/webhooks/meta?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`);
    expect(response.status).toBe(403);
  });
});

describe('POST /webhooks/meta signature check', () => {
  it('stores nothing for a forged signature', async () => {
    const response = await postWebhook(server.url, readFixture('messenger-text'), `sha256=${'0'.repeat(64)}`);
    expect(response.status).toBe(401);
    expect(await countRows('messages')).toBe(0);
    expect(await countRows('contacts')).toBe(0);
  });

  it('stores nothing without a signature header', async () => {
    const response = await postWebhook(server.url, readFixture('messenger-text'), null);
    expect(response.status).toBe(401);
    expect(await countRows('messages')).toBe(0);
  });

  it('stores nothing when the body was changed after signing', async () => {
    const original = readFixture('messenger-text');
    const { signMetaPayload } = await import('../src/channels/meta/signature.js');
    const { TEST_APP_SECRET } = await import('./support/test-server.js');
    const tampered = original.replace('"text"', '"text" ').replace(/Hi|Hello/, 'Pay here');
    const response = await postWebhook(server.url, tampered, signMetaPayload(original, TEST_APP_SECRET));
    expect(response.status).toBe(401);
    expect(await countRows('messages')).toBe(0);
  });

  it('rejects signed JSON that is not a Meta envelope with 400', async () => {
    const response = await postWebhook(server.url, { hello: 'world' });
    expect(response.status).toBe(400);
  });

  it('rejects a signed body that is not JSON with 400', async () => {
    const response = await postWebhook(server.url, '{"object": "page", ');
    expect(response.status).toBe(400);
  });
});

describe('Messenger text message', () => {
  it('appears in the inbox with contact, channel, last message and unread count', async () => {
    const response = await postFixture(server.url, 'messenger-text');
    expect(response.status).toBe(200);
    expect(response.body).toBe('EVENT_RECEIVED');

    const data = await graphqlData(server.graphqlUrl, ConversationsDocument, {}, tenant.adminToken);
    expect(data.conversations.edges).toHaveLength(1);
    const conversation = data.conversations.edges[0]!.node;
    expect(conversation.kind).toBe('PRIVATE');
    expect(conversation.status).toBe('OPEN');
    expect(conversation.unreadCount).toBe(1);
    expect(conversation.channel.kind).toBe('MESSENGER');
    expect(conversation.channel.externalId).toBe(PAGE_ID);
    expect(conversation.assignee).toBeNull();
    expect(conversation.lastMessage?.direction).toBe('INBOUND');
    expect(conversation.lastMessage?.authorKind).toBe('CONTACT');
    expect(conversation.lastMessage?.status).toBe('RECEIVED');
    expect(conversation.lastMessage?.text).toBe(JSON.parse(readFixture('messenger-text')).entry[0].messaging[0].message.text);
  });

  it('stores one message when the same POST arrives three times', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await postFixture(server.url, 'messenger-text')).status).toBe(200);
    }
    expect(await countRows('messages')).toBe(1);
    expect(await countRows('conversations')).toBe(1);
    expect(await countRows('contacts')).toBe(1);
  });

  it('logs opened and message_received in the conversation event log', async () => {
    await postFixture(server.url, 'messenger-text');
    const rows = await server.app.db.withSystem((tx) =>
      tx.execute(sql`select kind from conversation_events order by id`),
    );
    const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as { kind: string }[];
    expect(list.map((row) => row.kind)).toEqual(['opened', 'message_received']);
  });

  it('acknowledges a page no channel is connected to and stores nothing', async () => {
    const response = await postFixture(server.url, 'messenger-unknown-page');
    expect(response.status).toBe(200);
    expect(await countRows('messages')).toBe(0);
  });
});
