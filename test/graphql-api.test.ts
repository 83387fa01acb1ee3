import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import {
  AgentsDocument,
  AssignConversationDocument,
  ChannelsDocument,
  ConversationMessagesDocument,
  ConversationsDocument,
  LoginDocument,
  MarkConversationReadDocument,
  MeDocument,
  SendMessageDocument,
  SetConversationStatusDocument,
} from './generated/graphql.js';
import { startFakeGraphApi, type FakeGraphApi } from './support/fake-graph-api.js';
import { graphqlData, graphqlRequest } from './support/graphql-client.js';
import { addAgent, createTenantWithChannels, PAGE_ID, PAGE_TOKEN, PASSWORD, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { postWebhook } from './support/webhooks.js';

let server: TestServer;
let graphApi: FakeGraphApi;
let tenant: TestTenant;

function messengerText(visitorId: string, mid: string, text: string, timestamp = Date.now()) {
  return {
    object: 'page',
    entry: [
      {
        id: PAGE_ID,
        time: timestamp,
        messaging: [{ sender: { id: visitorId }, recipient: { id: PAGE_ID }, timestamp, message: { mid, text } }],
      },
    ],
  };
}

async function firstConversationId(token = tenant.adminToken): Promise<string> {
  const data = await graphqlData(server.graphqlUrl, ConversationsDocument, { first: 1 }, token);
  return data.conversations.edges[0]!.node.id;
}

beforeAll(async () => {
  graphApi = await startFakeGraphApi();
  graphApi.allowToken(PAGE_TOKEN);
  server = await startTestServer({ graphApiUrl: graphApi.url });
  tenant = await createTenantWithChannels(server, 'api-tenant', [{ kind: 'messenger', externalId: PAGE_ID }]);
});

afterAll(async () => {
  await server?.close();
  await graphApi?.close();
});

beforeEach(async () => {
  graphApi.reset();
  await server.app.db.withSystem((tx) => tx.execute(sql`delete from contacts`));
});

describe('login', () => {
  it('returns a token that authenticates me', async () => {
    const login = await graphqlData(server.graphqlUrl, LoginDocument, {
      tenant: tenant.slug,
      email: 'ADMIN@api-tenant.test',
      password: PASSWORD,
    });
    expect(login.login.agent.role).toBe('ADMIN');
    const me = await graphqlData(server.graphqlUrl, MeDocument, {}, login.login.token);
    expect(me.me.email).toBe('admin@api-tenant.test');
    expect(me.me.role).toBe('ADMIN');
  });

  it.each([
    ['a wrong password', 'api-tenant', 'admin@api-tenant.test', 'wrong-password'],
    ['an unknown email', 'api-tenant', 'nobody@api-tenant.test', PASSWORD],
    ['an unknown tenant', 'no-such-tenant', 'admin@api-tenant.test', PASSWORD],
  ])('rejects %s with UNAUTHENTICATED and one message', async (_case, tenantSlug, email, password) => {
    const response = await graphqlRequest(server.graphqlUrl, LoginDocument, { tenant: tenantSlug, email, password });
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.errors?.[0]?.message).toBe('Invalid tenant, email or password.');
  });
});

describe('login throttling', () => {
  it('refuses an account with RATE_LIMITED after 10 failures, even with the right password', async () => {
    const { addAgent: add } = await import('./support/tenants.js');
    await add(server, tenant.slug, 'throttled', 'agent');
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const response = await graphqlRequest(server.graphqlUrl, LoginDocument, { tenant: tenant.slug, email: 'throttled@api-tenant.test', password: 'wrong-password' });
      expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const blocked = await graphqlRequest(server.graphqlUrl, LoginDocument, { tenant: tenant.slug, email: 'throttled@api-tenant.test', password: PASSWORD });
    expect(blocked.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });

  it('rejects a NUL character in any input with BAD_USER_INPUT', async () => {
    const response = await graphqlRequest(server.graphqlUrl, LoginDocument, { tenant: tenant.slug, email: 'a\u0000b', password: PASSWORD });
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toBe('The request contains a NUL character (U+0000), which no field accepts; remove it.');
  });
});

describe('authentication', () => {
  it('gives UNAUTHENTICATED without a token', async () => {
    const response = await graphqlRequest(server.graphqlUrl, ConversationsDocument, {});
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.data).toBeNull();
  });

  it('gives UNAUTHENTICATED with HTTP 401 for a forged token', async () => {
    const response = await graphqlRequest(server.graphqlUrl, MeDocument, {}, 'eyJhbGciOiJIUzI1NiJ9.e30.forged');
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('rejects a token signed with another secret', async () => {
    const jwt = await import('jsonwebtoken');
    const token = jwt.default.sign({ tid: tenant.tenantId, role: 'admin' }, 'another-secret-another-secret-another', {
      subject: tenant.adminId,
      audience: 'parley-agent',
    });
    const response = await graphqlRequest(server.graphqlUrl, MeDocument, {}, token);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('directory', () => {
  it('lists agents and channels without secrets', async () => {
    const agents = await graphqlData(server.graphqlUrl, AgentsDocument, {}, tenant.adminToken);
    expect(agents.agents.map((agent) => agent.email)).toContain('admin@api-tenant.test');
    const channels = await graphqlData(server.graphqlUrl, ChannelsDocument, {}, tenant.adminToken);
    expect(channels.channels).toHaveLength(1);
    expect(channels.channels[0]!.kind).toBe('MESSENGER');
    expect(JSON.stringify(channels)).not.toContain(PAGE_TOKEN);
  });
});

describe('sendMessage', () => {
  it('sends a Send API request and ends SENT with the provider id', async () => {
    await postWebhook(server.url, messengerText('9000000000000001', 'm_in_1', 'Where is my parcel?'));
    const conversationId = await firstConversationId();

    const data = await graphqlData(
      server.graphqlUrl,
      SendMessageDocument,
      { input: { conversationId, text: '  It left our warehouse today.  ' } },
      tenant.adminToken,
    );
    expect(data.sendMessage.status).toBe('SENT');
    expect(data.sendMessage.text).toBe('It left our warehouse today.');
    expect(data.sendMessage.direction).toBe('OUTBOUND');
    expect(data.sendMessage.authorKind).toBe('AGENT');
    expect(data.sendMessage.author?.displayName).toBe('Admin api-tenant');
    expect(data.sendMessage.error).toBeNull();

    expect(graphApi.requests).toHaveLength(1);
    const request = graphApi.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`/v21.0/${PAGE_ID}/messages`);
    expect(request.query.access_token).toBe(PAGE_TOKEN);
    const body = request.body as { recipient: unknown; messaging_type: string; message: { text: string; metadata: string } };
    expect(body.recipient).toEqual({ id: '9000000000000001' });
    expect(body.messaging_type).toBe('RESPONSE');
    expect(body.message.text).toBe('It left our warehouse today.');
    expect(body.message.metadata).toMatch(/^parley:[0-9a-f-]{36}$/);
    expect(data.sendMessage.providerMessageId).toMatch(/^m_/);
  });

  it('shows a Meta error on the message as FAILED with code and message', async () => {
    await postWebhook(server.url, messengerText('9000000000000002', 'm_in_2', 'Hello?'));
    const conversationId = await firstConversationId();
    graphApi.failNext({
      status: 400,
      code: 10,
      subcode: 2018278,
      message: '(#10) This message is sent outside of allowed window.',
    });

    const data = await graphqlData(server.graphqlUrl, SendMessageDocument, { input: { conversationId, text: 'Sorry for the wait' } }, tenant.adminToken);
    expect(data.sendMessage.status).toBe('FAILED');
    expect(data.sendMessage.error).toEqual({ code: '10', message: '(#10) This message is sent outside of allowed window.' });
    expect(data.sendMessage.metadata).toEqual({ errorSubcode: 2018278 });

    const stored = await graphqlData(server.graphqlUrl, ConversationMessagesDocument, { id: conversationId, last: 1 }, tenant.adminToken);
    expect(stored.conversation?.messages.edges[0]?.node.status).toBe('FAILED');
    expect(stored.conversation?.messages.edges[0]?.node.error?.code).toBe('10');
  });

  it('marks the message FAILED with NETWORK_ERROR when the Graph API is unreachable', async () => {
    const closedGraphApi = await startFakeGraphApi();
    await closedGraphApi.close();
    const unreachable = await startTestServer({ graphApiUrl: closedGraphApi.url });
    try {
      const other = await createTenantWithChannels(unreachable, 'unreachable-tenant', [{ kind: 'messenger', externalId: PAGE_ID }]);
      await postWebhook(unreachable.url, messengerText('9000000000000003', 'm_in_3', 'Anyone there?'));
      const inbox = await graphqlData(unreachable.graphqlUrl, ConversationsDocument, { first: 1 }, other.adminToken);
      const conversationId = inbox.conversations.edges[0]!.node.id;

      const data = await graphqlData(unreachable.graphqlUrl, SendMessageDocument, { input: { conversationId, text: 'Yes' } }, other.adminToken);
      expect(data.sendMessage.status).toBe('FAILED');
      expect(data.sendMessage.error?.code).toBe('NETWORK_ERROR');
    } finally {
      await unreachable.close();
    }
  });

  it('rejects empty text with BAD_USER_INPUT before calling Meta', async () => {
    await postWebhook(server.url, messengerText('9000000000000001', 'm_in_4', 'Hi'));
    const conversationId = await firstConversationId();
    const response = await graphqlRequest(server.graphqlUrl, SendMessageDocument, { input: { conversationId, text: '   ' } }, tenant.adminToken);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(graphApi.requests).toHaveLength(0);
  });

  it('rejects text over the Messenger limit with BAD_USER_INPUT', async () => {
    await postWebhook(server.url, messengerText('9000000000000001', 'm_in_5', 'Hi'));
    const conversationId = await firstConversationId();
    const response = await graphqlRequest(server.graphqlUrl, SendMessageDocument, { input: { conversationId, text: 'x'.repeat(2001) } }, tenant.adminToken);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toBe('The message is 2001 characters; messenger allows at most 2000.');
    expect(graphApi.requests).toHaveLength(0);
  });

  it('rejects an id of the wrong type with BAD_USER_INPUT', async () => {
    const response = await graphqlRequest(server.graphqlUrl, SendMessageDocument, { input: { conversationId: 'not-an-id', text: 'Hi' } }, tenant.adminToken);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toBe('"conversationId" is not a valid Conversation id.');
  });
});

describe('conversation workflow', () => {
  it('changes status, assigns and resets the unread count', async () => {
    await postWebhook(server.url, messengerText('9000000000000001', 'm_wf_1', 'First'));
    await postWebhook(server.url, messengerText('9000000000000001', 'm_wf_2', 'Second'));
    const conversationId = await firstConversationId();

    const pending = await graphqlData(server.graphqlUrl, SetConversationStatusDocument, { input: { conversationId, status: 'PENDING' } }, tenant.adminToken);
    expect(pending.setConversationStatus.status).toBe('PENDING');
    expect(pending.setConversationStatus.unreadCount).toBe(2);

    const assigned = await graphqlData(server.graphqlUrl, AssignConversationDocument, { input: { conversationId, assigneeId: null } }, tenant.adminToken);
    expect(assigned.assignConversation.assignee).toBeNull();

    const me = await graphqlData(server.graphqlUrl, MeDocument, {}, tenant.adminToken);
    const mine = await graphqlData(server.graphqlUrl, AssignConversationDocument, { input: { conversationId, assigneeId: me.me.id } }, tenant.adminToken);
    expect(mine.assignConversation.assignee?.id).toBe(me.me.id);

    const read = await graphqlData(server.graphqlUrl, MarkConversationReadDocument, { conversationId }, tenant.adminToken);
    expect(read.markConversationRead.unreadCount).toBe(0);

    const filtered = await graphqlData(server.graphqlUrl, ConversationsDocument, { status: 'PENDING', assigneeId: me.me.id }, tenant.adminToken);
    expect(filtered.conversations.edges.map((edge) => edge.node.id)).toEqual([conversationId]);
    const resolved = await graphqlData(server.graphqlUrl, ConversationsDocument, { status: 'RESOLVED' }, tenant.adminToken);
    expect(resolved.conversations.edges).toHaveLength(0);
  });

  it('requires a future snoozedUntil to snooze', async () => {
    await postWebhook(server.url, messengerText('9000000000000001', 'm_snooze', 'Hi'));
    const conversationId = await firstConversationId();
    const response = await graphqlRequest(server.graphqlUrl, SetConversationStatusDocument, { input: { conversationId, status: 'SNOOZED' } }, tenant.adminToken);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('forbids an agent to assign a conversation to someone else', async () => {
    const agent = await addAgent(server, tenant.slug, `agent${Date.now()}`, 'agent');
    await postWebhook(server.url, messengerText('9000000000000001', 'm_forbid', 'Hi'));
    const conversationId = await firstConversationId();
    const me = await graphqlData(server.graphqlUrl, MeDocument, {}, tenant.adminToken);

    const response = await graphqlRequest(server.graphqlUrl, AssignConversationDocument, { input: { conversationId, assigneeId: me.me.id } }, agent.token);
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const own = await graphqlData(server.graphqlUrl, MeDocument, {}, agent.token);
    const self = await graphqlData(server.graphqlUrl, AssignConversationDocument, { input: { conversationId, assigneeId: own.me.id } }, agent.token);
    expect(self.assignConversation.assignee?.id).toBe(own.me.id);
  });

  it('returns NOT_FOUND for a conversation that does not exist', async () => {
    const { toGlobalId } = await import('../src/schema/global-id.js');
    const missing = toGlobalId('Conversation', '00000000-0000-4000-8000-000000000000');
    const response = await graphqlRequest(server.graphqlUrl, SetConversationStatusDocument, { input: { conversationId: missing, status: 'OPEN' } }, tenant.adminToken);
    expect(response.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('pagination', () => {
  it('pages the inbox by last activity with cursors', async () => {
    const base = Date.now();
    for (let index = 0; index < 5; index += 1) {
      await postWebhook(server.url, messengerText(`90000000000001${index}`, `m_page_${index}`, `Message ${index}`, base + index));
    }
    const first = await graphqlData(server.graphqlUrl, ConversationsDocument, { first: 2 }, tenant.adminToken);
    expect(first.conversations.edges.map((edge) => edge.node.lastMessage?.text)).toEqual(['Message 4', 'Message 3']);
    expect(first.conversations.pageInfo.hasNextPage).toBe(true);

    const second = await graphqlData(server.graphqlUrl, ConversationsDocument, { first: 2, after: first.conversations.pageInfo.endCursor }, tenant.adminToken);
    expect(second.conversations.edges.map((edge) => edge.node.lastMessage?.text)).toEqual(['Message 2', 'Message 1']);

    const third = await graphqlData(server.graphqlUrl, ConversationsDocument, { first: 2, after: second.conversations.pageInfo.endCursor }, tenant.adminToken);
    expect(third.conversations.edges.map((edge) => edge.node.lastMessage?.text)).toEqual(['Message 0']);
    expect(third.conversations.pageInfo.hasNextPage).toBe(false);
  });

  it('pages messages forward and backward', async () => {
    for (let index = 0; index < 5; index += 1) {
      await postWebhook(server.url, messengerText('9000000000000001', `m_msg_${index}`, `Line ${index}`));
    }
    const conversationId = await firstConversationId();
    const latest = await graphqlData(server.graphqlUrl, ConversationMessagesDocument, { id: conversationId, last: 2 }, tenant.adminToken);
    expect(latest.conversation?.messages.edges.map((edge) => edge.node.text)).toEqual(['Line 3', 'Line 4']);
    expect(latest.conversation?.messages.pageInfo.hasPreviousPage).toBe(true);

    const earlier = await graphqlData(
      server.graphqlUrl,
      ConversationMessagesDocument,
      { id: conversationId, last: 2, before: latest.conversation?.messages.pageInfo.startCursor },
      tenant.adminToken,
    );
    expect(earlier.conversation?.messages.edges.map((edge) => edge.node.text)).toEqual(['Line 1', 'Line 2']);

    const oldest = await graphqlData(server.graphqlUrl, ConversationMessagesDocument, { id: conversationId, first: 2 }, tenant.adminToken);
    expect(oldest.conversation?.messages.edges.map((edge) => edge.node.text)).toEqual(['Line 0', 'Line 1']);
    expect(oldest.conversation?.messages.pageInfo.hasNextPage).toBe(true);
  });

  it('pages every message exactly once when many share one timestamp', async () => {
    const timestamp = Date.now();
    const batch = {
      object: 'page',
      entry: [
        {
          id: PAGE_ID,
          time: timestamp,
          messaging: Array.from({ length: 30 }, (_, index) => ({
            sender: { id: '9000000000000001' },
            recipient: { id: PAGE_ID },
            timestamp,
            message: { mid: `m_same_${index}`, text: `Same ${index}` },
          })),
        },
      ],
    };
    expect((await postWebhook(server.url, batch)).status).toBe(200);
    const conversationId = await firstConversationId();

    const forward: string[] = [];
    let after: string | null | undefined;
    for (let page = 0; page < 10; page += 1) {
      const data = await graphqlData(server.graphqlUrl, ConversationMessagesDocument, { id: conversationId, first: 7, after }, tenant.adminToken);
      forward.push(...(data.conversation?.messages.edges.map((edge) => edge.node.id) ?? []));
      if (!data.conversation?.messages.pageInfo.hasNextPage) break;
      after = data.conversation.messages.pageInfo.endCursor;
    }
    expect(forward).toHaveLength(30);
    expect(new Set(forward).size).toBe(30);

    const backward: string[] = [];
    let before: string | null | undefined;
    for (let page = 0; page < 10; page += 1) {
      const data = await graphqlData(server.graphqlUrl, ConversationMessagesDocument, { id: conversationId, last: 7, before }, tenant.adminToken);
      backward.unshift(...(data.conversation?.messages.edges.map((edge) => edge.node.id) ?? []));
      if (!data.conversation?.messages.pageInfo.hasPreviousPage) break;
      before = data.conversation.messages.pageInfo.startCursor;
    }
    expect(backward).toEqual(forward);
  });

  it('rejects a page size over 100 and a malformed cursor', async () => {
    const tooLarge = await graphqlRequest(server.graphqlUrl, ConversationsDocument, { first: 101 }, tenant.adminToken);
    expect(tooLarge.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badCursor = await graphqlRequest(server.graphqlUrl, ConversationsDocument, { after: 'garbage' }, tenant.adminToken);
    expect(badCursor.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const dashes = Buffer.from(`1700000000000000|${'-'.repeat(36)}`).toString('base64url');
    const dashCursor = await graphqlRequest(server.graphqlUrl, ConversationsDocument, { after: dashes }, tenant.adminToken);
    expect(dashCursor.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('error mapping', () => {
  it('gives GRAPHQL_VALIDATION_FAILED for an unknown field', async () => {
    const response = await fetch(server.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.adminToken}` },
      body: JSON.stringify({ query: '{ me { passwordHash } }' }),
    });
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
