import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationsDocument } from './generated/graphql.js';
import { graphqlData } from './support/graphql-client.js';
import { createTenantWithChannels, PAGE_ID, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { postWebhook } from './support/webhooks.js';

let server: TestServer;
let tenant: TestTenant;

beforeAll(async () => {
  server = await startTestServer();
  tenant = await createTenantWithChannels(server, 'count-tenant', [{ kind: 'messenger', externalId: PAGE_ID }]);
  const base = Date.now();
  for (let index = 0; index < 30; index += 1) {
    const timestamp = base + index;
    await postWebhook(server.url, {
      object: 'page',
      entry: [{ id: PAGE_ID, time: timestamp, messaging: [{ sender: { id: `91000000000${index}` }, recipient: { id: PAGE_ID }, timestamp, message: { mid: `m_count_${index}`, text: `Hello ${index}` } }] }],
    });
  }
});

afterAll(async () => {
  await server?.close();
});

/** Counts the SQL statements the server sends while one inbox page is loaded. */
async function statementsForPage(first: number): Promise<{ statements: number; conversations: number }> {
  const statements: string[] = [];
  const stop = server.app.db.onStatement((statement) => statements.push(statement));
  try {
    const data = await graphqlData(server.graphqlUrl, ConversationsDocument, { first }, tenant.adminToken);
    return { statements: statements.length, conversations: data.conversations.edges.length };
  } finally {
    stop();
  }
}

describe('inbox query', () => {
  it('sends the same number of statements for 1 and 30 conversations', async () => {
    const small = await statementsForPage(1);
    const large = await statementsForPage(30);
    expect(small.conversations).toBe(1);
    expect(large.conversations).toBe(30);
    expect(large.statements).toBe(small.statements);
    // Tenant setup and agent check for the token, then tenant setup and the one inbox query.
    expect(large.statements).toBe(4);
  });
});
