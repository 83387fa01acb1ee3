import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { ConversationsDocument, LoginDocument, SendMessageDocument } from './generated/graphql.js';
import { startFakeGraphApi, type FakeGraphApi } from './support/fake-graph-api.js';
import { graphqlData, graphqlRequest } from './support/graphql-client.js';
import { PAGE_ID, PAGE_TOKEN } from './support/tenants.js';
import { startTestServer, TEST_VERIFY_TOKEN, type TestServer } from './support/test-server.js';
import { postWebhook } from './support/webhooks.js';

// Distinctive strings that appear nowhere else, so finding one in the logs can only be a leak.
const PERSONAL = {
  inboundText: 'Marmalade-Ostrich-7731 please call me',
  phone: '+32 470 98 76 54',
  commenterName: 'Philomena Thistlewood',
  commentText: 'Periwinkle-Saxophone-4410',
  agentName: 'Zebulon Quartermaine',
  agentEmail: 'zebulon.quartermaine@logs-tenant.test',
  unknownEmail: 'nobody.vanderzee@logs-tenant.test',
  password: 'Correct-Llama-Battery-55',
  replyText: 'Tangerine-Harpsichord-9921',
  failedReplyText: 'Obsidian-Kettle-5582',
  invalidInputText: 'Quokka-Lantern-3317',
  forgedText: 'Nectarine-Bassoon-6604',
  crashingReplyText: 'Walrus-Carousel-8815',
  queryVariable: 'Gooseberry-Trombone-2290',
};

// Secrets that must stay out of the logs as well.
const SECRETS = { verifyToken: TEST_VERIFY_TOKEN, pageToken: PAGE_TOKEN };

const lines: string[] = [];
const tokens: string[] = [];
let server: TestServer;
let graphApi: FakeGraphApi;

function findLeaks(): { value: string; line: string }[] {
  const leaks: { value: string; line: string }[] = [];
  for (const line of lines) {
    for (const value of [...Object.values(PERSONAL), ...Object.values(SECRETS), ...tokens]) {
      if (line.includes(value)) leaks.push({ value, line });
    }
  }
  return leaks;
}

beforeAll(async () => {
  graphApi = await startFakeGraphApi();
  graphApi.allowToken(PAGE_TOKEN);
  const logger = createLogger('trace', { write: (line: string) => void lines.push(line) });
  server = await startTestServer({ graphApiUrl: graphApi.url, logger });

  await server.app.services.tenantAdmin.createTenant({
    slug: 'logs-tenant',
    name: 'Logs Tenant',
    adminEmail: PERSONAL.agentEmail,
    adminPassword: PERSONAL.password,
    adminName: PERSONAL.agentName,
  });
  for (const kind of ['messenger', 'facebook_page'] as const) {
    await server.app.services.tenantAdmin.createChannel({ tenantSlug: 'logs-tenant', kind, externalId: PAGE_ID, accessToken: PAGE_TOKEN });
  }
});

afterAll(async () => {
  await server?.close();
  await graphApi?.close();
});

describe('server logs', () => {
  it('carry ids but no message text, names, emails or phone numbers', async () => {
    const timestamp = Date.now();
    const inbound = await postWebhook(server.url, {
      object: 'page',
      entry: [{
        id: PAGE_ID,
        time: timestamp,
        messaging: [{ sender: { id: '9000000000000001' }, recipient: { id: PAGE_ID }, timestamp, message: { mid: 'm_logs_1', text: `${PERSONAL.inboundText} on ${PERSONAL.phone}` } }],
      }],
    });
    expect(inbound.status).toBe(200);

    const comment = await postWebhook(server.url, {
      object: 'page',
      entry: [{
        id: PAGE_ID,
        time: timestamp,
        changes: [{
          field: 'feed',
          value: {
            from: { id: '9100000000000001', name: PERSONAL.commenterName },
            post_id: `${PAGE_ID}_5000`,
            comment_id: '5000_7001',
            parent_id: `${PAGE_ID}_5000`,
            item: 'comment',
            verb: 'add',
            created_time: Math.floor(timestamp / 1000),
            message: PERSONAL.commentText,
          },
        }],
      }],
    });
    expect(comment.status).toBe(200);

    const forged = await postWebhook(server.url, { object: 'page', entry: [{ id: PAGE_ID, note: PERSONAL.forgedText }] }, 'sha256=00');
    expect(forged.status).toBe(401);
    const malformed = await postWebhook(server.url, `{"object":"page","entry":[{"id":"${PAGE_ID}","text":"${PERSONAL.forgedText}"`);
    expect(malformed.status).toBe(400);

    const failedLogin = await graphqlRequest(server.graphqlUrl, LoginDocument, { tenant: 'logs-tenant', email: PERSONAL.unknownEmail, password: PERSONAL.password });
    expect(failedLogin.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const login = await graphqlData(server.graphqlUrl, LoginDocument, { tenant: 'logs-tenant', email: PERSONAL.agentEmail, password: PERSONAL.password });
    const token = login.login.token;
    tokens.push(token);

    const inbox = await graphqlData(server.graphqlUrl, ConversationsDocument, { first: 10, status: 'OPEN' }, token);
    const privateThread = inbox.conversations.edges.find((edge) => edge.node.kind === 'PRIVATE')!.node.id;
    const sent = await graphqlData(server.graphqlUrl, SendMessageDocument, { input: { conversationId: privateThread, text: PERSONAL.replyText } }, token);
    expect(sent.sendMessage.status).toBe('SENT');

    graphApi.failNext({ status: 400, code: 10, subcode: 2018278, message: '(#10) This message is sent outside of allowed window.' });
    const failed = await graphqlData(server.graphqlUrl, SendMessageDocument, { input: { conversationId: privateThread, text: PERSONAL.failedReplyText } }, token);
    expect(failed.sendMessage.status).toBe('FAILED');

    const invalid = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: 'mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { id } }',
        variables: { input: { conversationId: privateThread, text: PERSONAL.invalidInputText, extra: PERSONAL.invalidInputText } },
      }),
    });
    expect(invalid.status).toBe(400);
    const tooLong = await graphqlRequest(server.graphqlUrl, SendMessageDocument, { input: { conversationId: privateThread, text: `${PERSONAL.invalidInputText} ${'x'.repeat(2_000)}` } }, token);
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const verification = await fetch(`${server.url}/webhooks/meta?hub.mode=subscribe&hub.verify_token=${TEST_VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(verification.status).toBe(200);
    const variables = encodeURIComponent(JSON.stringify({ id: PERSONAL.queryVariable }));
    await fetch(`${server.graphqlUrl}?query=${encodeURIComponent('query ($id: ID!) { conversation(id: $id) { id } }')}&variables=${variables}`, {
      headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
    });

    // An unexpected database failure while storing a reply: the driver's error carries the SQL
    // parameters, message text included.
    await server.app.db.withSystem(async (tx) => {
      await tx.execute(sql.raw(`create function reject_walrus() returns trigger language plpgsql as $$
        begin if new.text like 'Walrus%' then raise exception 'rejected by test trigger'; end if; return new; end $$`));
      await tx.execute(sql.raw('create trigger reject_walrus before insert on messages for each row execute function reject_walrus()'));
    });
    const crashed = await graphqlRequest(server.graphqlUrl, SendMessageDocument, { input: { conversationId: privateThread, text: PERSONAL.crashingReplyText } }, token);
    expect(crashed.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');

    // The capture works and contains the ids an operator needs.
    const logged = lines.join('');
    expect(logged).toContain('"msg":"meta webhook stored"');
    expect(logged).toContain('"msg":"provider rejected an outbound message"');
    expect(logged).toContain('"msg":"agent logged in"');
    expect(logged).toContain('"code":"UNAUTHENTICATED","msg":"agent login failed"');
    expect(logged).toContain('"msg":"unexpected error in a GraphQL operation"');
    expect(logged).toContain('"route":"/webhooks/meta","statusCode":200');
    expect(findLeaks()).toEqual([]);
  });
});
