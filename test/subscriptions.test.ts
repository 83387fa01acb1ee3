import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConversationsDocument,
  ConversationUpdatedDocument,
  MessageAddedDocument,
  MessageUpdatedDocument,
  SendMessageDocument,
} from './generated/graphql.js';
import { startFakeGraphApi, type FakeGraphApi } from './support/fake-graph-api.js';
import {
  createSubscriptionClient,
  graphqlData,
  subscribe,
  waitForSubscriptions,
} from './support/graphql-client.js';
import { createTenantWithChannels, PAGE_ID, PAGE_TOKEN, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { postWebhook } from './support/webhooks.js';

const OTHER_PAGE_ID = '100000000000777';

let server: TestServer;
let graphApi: FakeGraphApi;
let tenant: TestTenant;
let otherTenant: TestTenant;

function messengerText(pageId: string, visitorId: string, mid: string, text: string) {
  const timestamp = Date.now();
  return {
    object: 'page',
    entry: [{ id: pageId, time: timestamp, messaging: [{ sender: { id: visitorId }, recipient: { id: pageId }, timestamp, message: { mid, text } }] }],
  };
}

beforeAll(async () => {
  graphApi = await startFakeGraphApi();
  graphApi.allowToken(PAGE_TOKEN);
  server = await startTestServer({ graphApiUrl: graphApi.url });
  tenant = await createTenantWithChannels(server, 'live-tenant', [{ kind: 'messenger', externalId: PAGE_ID }]);
  otherTenant = await createTenantWithChannels(server, 'other-tenant', [{ kind: 'messenger', externalId: OTHER_PAGE_ID }]);
});

afterAll(async () => {
  await server?.close();
  await graphApi?.close();
});

describe('messageAdded', () => {
  it('delivers a webhook message to a subscribed agent', async () => {
    const client = createSubscriptionClient(server.webSocketUrl, tenant.adminToken);
    const live = subscribe(client, MessageAddedDocument, {});
    try {
      await waitForSubscriptions(server.app.eventBus, 1);
      expect((await postWebhook(server.url, messengerText(PAGE_ID, '9000000000000001', 'm_live_1', 'Is anyone there?'))).status).toBe(200);

      const result = await live.next();
      expect(result.errors).toBeUndefined();
      expect(result.data?.messageAdded.text).toBe('Is anyone there?');
      expect(result.data?.messageAdded.direction).toBe('INBOUND');
      expect(result.data?.messageAdded.providerMessageId).toBe('m_live_1');
    } finally {
      live.close();
      await client.dispose();
    }
  });

  it("never delivers another tenant's message", async () => {
    const client = createSubscriptionClient(server.webSocketUrl, otherTenant.adminToken);
    const live = subscribe(client, MessageAddedDocument, {});
    try {
      await waitForSubscriptions(server.app.eventBus, 1);
      await postWebhook(server.url, messengerText(PAGE_ID, '9000000000000002', 'm_live_2', 'For live-tenant only'));
      await live.expectNothing(500);
      await postWebhook(server.url, messengerText(OTHER_PAGE_ID, '9000000000000003', 'm_live_3', 'For other-tenant'));
      expect((await live.next()).data?.messageAdded.text).toBe('For other-tenant');
    } finally {
      live.close();
      await client.dispose();
    }
  });

  it('filters by conversationId', async () => {
    await postWebhook(server.url, messengerText(PAGE_ID, '9000000000000004', 'm_filter_1', 'Thread A'));
    const inbox = await graphqlData(server.graphqlUrl, ConversationsDocument, { first: 1 }, tenant.adminToken);
    const conversationId = inbox.conversations.edges[0]!.node.id;

    const client = createSubscriptionClient(server.webSocketUrl, tenant.adminToken);
    const live = subscribe(client, MessageAddedDocument, { conversationId });
    try {
      await waitForSubscriptions(server.app.eventBus, 1);
      await postWebhook(server.url, messengerText(PAGE_ID, '9000000000000005', 'm_filter_2', 'Thread B'));
      await postWebhook(server.url, messengerText(PAGE_ID, '9000000000000004', 'm_filter_3', 'Thread A again'));
      const result = await live.next();
      expect(result.data?.messageAdded.text).toBe('Thread A again');
      expect(result.data?.messageAdded.conversationId).toBe(conversationId);
    } finally {
      live.close();
      await client.dispose();
    }
  });

  it('refuses a connection without a valid token', async () => {
    const client = createSubscriptionClient(server.webSocketUrl, 'not-a-token');
    const live = subscribe(client, MessageAddedDocument, {});
    await expect(live.next(3_000)).rejects.toMatchObject({ code: 4403 });
    await client.dispose();
  });
});

describe('messageUpdated and conversationUpdated', () => {
  it('follows an agent reply from PENDING to SENT and updates the conversation', async () => {
    await postWebhook(server.url, messengerText(PAGE_ID, '9000000000000006', 'm_reply_1', 'Can you help?'));
    const inbox = await graphqlData(server.graphqlUrl, ConversationsDocument, { first: 1 }, tenant.adminToken);
    const conversationId = inbox.conversations.edges[0]!.node.id;

    const client = createSubscriptionClient(server.webSocketUrl, tenant.adminToken);
    const added = subscribe(client, MessageAddedDocument, { conversationId });
    const updated = subscribe(client, MessageUpdatedDocument, { conversationId });
    const conversation = subscribe(client, ConversationUpdatedDocument, { conversationId });
    try {
      await waitForSubscriptions(server.app.eventBus, 3);
      await graphqlData(server.graphqlUrl, SendMessageDocument, { input: { conversationId, text: 'Of course.' } }, tenant.adminToken);

      expect((await added.next()).data?.messageAdded.status).toBe('PENDING');
      const sent = (await updated.next()).data?.messageUpdated;
      expect(sent?.status).toBe('SENT');
      expect(sent?.text).toBe('Of course.');
      const changed = (await conversation.next()).data?.conversationUpdated;
      expect(changed?.id).toBe(conversationId);
      expect(changed?.unreadCount).toBe(0);
    } finally {
      added.close();
      updated.close();
      conversation.close();
      await client.dispose();
    }
  });
});

describe('two server instances', () => {
  it.skipIf(!process.env.REDIS_URL || !process.env.DATABASE_URL)(
    'deliver a message ingested on B to a subscriber on A through Redis',
    async () => {
      const instanceB = await startTestServer({ graphApiUrl: graphApi.url, database: server.database });
      const client = createSubscriptionClient(server.webSocketUrl, tenant.adminToken);
      const live = subscribe(client, MessageAddedDocument, {});
      try {
        await waitForSubscriptions(server.app.eventBus, 1);
        const response = await postWebhook(instanceB.url, messengerText(PAGE_ID, '9000000000000007', 'm_cross_1', 'Via instance B'));
        expect(response.status).toBe(200);
        const result = await live.next();
        expect(result.data?.messageAdded.text).toBe('Via instance B');
      } finally {
        live.close();
        await client.dispose();
        await instanceB.app.close();
      }
    },
  );
});
