import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signBotPayload } from '../src/channels/webchat/bot-signature.js';
import { conversationEvents } from '../src/db/schema.js';
import { fromGlobalId, toGlobalId } from '../src/schema/global-id.js';
import {
  ConversationMessagesDocument,
  ConversationUpdatedDocument,
  MessageAddedDocument,
  RequestHumanDocument,
  SendMessageDocument,
  SendVisitorMessageDocument,
  VisitorConversationDocument,
} from './generated/graphql.js';
import { startFakeBot, type FakeBot } from './support/fake-bot.js';
import { createSubscriptionClient, graphqlData, subscribe, waitForSubscriptions } from './support/graphql-client.js';
import { createTenantWithChannels, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { createWebchatChannel, startVisitorSession, type TestWebchatChannel } from './support/webchat.js';

let server: TestServer;
let bot: FakeBot;
let tenant: TestTenant;
let webchat: TestWebchatChannel;

/** POSTs to the bot endpoint, signed with the channel's bot secret unless a signature is given. */
async function postAsBot(body: object, signature?: string, channelId = webchat.channelId) {
  const raw = JSON.stringify(body);
  const response = await fetch(`${server.url}/webchat/bot/${channelId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-parley-signature': signature ?? signBotPayload(raw, webchat.botSecret!) },
    body: raw,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function eventsOf(conversationGlobalId: string) {
  return server.app.db.withTenant(tenant.tenantId, (tx) =>
    tx
      .select({ kind: conversationEvents.kind, data: conversationEvents.data })
      .from(conversationEvents)
      .where(eq(conversationEvents.conversationId, fromGlobalId('Conversation', conversationGlobalId)))
      .orderBy(conversationEvents.id),
  );
}

beforeAll(async () => {
  bot = await startFakeBot();
  server = await startTestServer({ botClient: { timeoutMs: 1_000, maxAttempts: 3, retryDelayMs: 50 } });
  tenant = await createTenantWithChannels(server, 'bot-tenant');
  webchat = await createWebchatChannel(server, tenant.slug, { botUrl: bot.url });
});

afterAll(async () => {
  await server?.close();
  await bot?.close();
});

beforeEach(() => {
  bot.reset();
});

describe('bot hook', () => {
  it('starts new conversations with the bot as handler', async () => {
    const session = await startVisitorSession(server, webchat.publicKey);
    expect(session.handler).toBe('BOT');
    const seen = await graphqlData(server.graphqlUrl, VisitorConversationDocument, {}, session.token);
    expect(seen.visitorConversation.handler).toBe('BOT');
  });

  it('posts each visitor message to the bot, signed with the bot secret', async () => {
    const session = await startVisitorSession(server, webchat.publicKey, { locale: 'de-AT' });
    const sent = await graphqlData(server.graphqlUrl, SendVisitorMessageDocument, { text: 'Wann öffnet ihr?' }, session.token);

    const [delivery] = await bot.waitForDeliveries(1);
    expect(delivery!.headers['content-type']).toBe('application/json');
    expect(delivery!.headers['x-parley-signature']).toBe(signBotPayload(delivery!.rawBody, webchat.botSecret!));
    expect(delivery!.body).toEqual({
      type: 'message',
      channelId: toGlobalId('Channel', webchat.channelId),
      conversationId: session.conversationId,
      messageId: sent.sendVisitorMessage.id,
      text: 'Wann öffnet ihr?',
      locale: 'de-AT',
      sentAt: expect.any(String),
    });
  });

  it('retries a delivery the bot answered with 503', async () => {
    bot.respondWith(503, 503);
    const session = await startVisitorSession(server, webchat.publicKey);
    await graphqlData(server.graphqlUrl, SendVisitorMessageDocument, { text: 'Hello?' }, session.token);
    await bot.waitForDeliveries(3);
    await server.app.services.botHook.idle();
    expect(bot.deliveries.map((delivery) => delivery.body.text)).toEqual(['Hello?', 'Hello?', 'Hello?']);
  });

  it('retries a delivery that timed out', async () => {
    bot.respondWith('hang');
    const session = await startVisitorSession(server, webchat.publicKey);
    await graphqlData(server.graphqlUrl, SendVisitorMessageDocument, { text: 'Anyone?' }, session.token);
    const started = Date.now();
    await bot.waitForDeliveries(2);
    // The test server's bot client gives up on one attempt after 1 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await server.app.services.botHook.idle();
    expect(bot.deliveries.map((delivery) => delivery.body.text)).toEqual(['Anyone?', 'Anyone?']);
  });

  it('does not retry a delivery the bot answered with 400', async () => {
    bot.respondWith(400);
    const session = await startVisitorSession(server, webchat.publicKey);
    await graphqlData(server.graphqlUrl, SendVisitorMessageDocument, { text: 'Broken?' }, session.token);
    await bot.waitForDeliveries(1);
    await server.app.services.botHook.idle();
    expect(bot.deliveries).toHaveLength(1);
  });

  it("delivers one conversation's messages in order", async () => {
    const session = await startVisitorSession(server, webchat.publicKey);
    for (const text of ['one', 'two', 'three']) {
      await graphqlData(server.graphqlUrl, SendVisitorMessageDocument, { text }, session.token);
    }
    await bot.waitForDeliveries(3);
    expect(bot.deliveries.map((delivery) => delivery.body.text)).toEqual(['one', 'two', 'three']);
  });
});

describe('bot replies', () => {
  it('store a BOT message that reaches the visitor live', async () => {
    const session = await startVisitorSession(server, webchat.publicKey);
    const visitorClient = createSubscriptionClient(server.webSocketUrl, session.token);
    const live = subscribe(visitorClient, MessageAddedDocument, {});
    try {
      await waitForSubscriptions(server.app.eventBus, 1);
      const response = await postAsBot({ conversationId: session.conversationId, text: 'Hi! I am the shop assistant.' });
      expect(response.status).toBe(200);
      expect(response.body.handler).toBe('BOT');

      const delivered = (await live.next()).data?.messageAdded;
      expect(delivered?.id).toBe(response.body.messageId);
      expect(delivered?.authorKind).toBe('BOT');
      expect(delivered?.direction).toBe('OUTBOUND');
      expect(delivered?.status).toBe('SENT');
      expect(delivered?.text).toBe('Hi! I am the shop assistant.');
    } finally {
      live.close();
      await visitorClient.dispose();
    }
  });

  it('store a reply retried with the same clientMessageId once', async () => {
    const session = await startVisitorSession(server, webchat.publicKey);
    const body = { conversationId: session.conversationId, text: 'Once only', clientMessageId: 'bot-reply-0001' };
    const first = await postAsBot(body);
    const again = await postAsBot(body);
    expect(again.body.messageId).toBe(first.body.messageId);
    const seen = await graphqlData(server.graphqlUrl, VisitorConversationDocument, {}, session.token);
    expect(seen.visitorConversation.messages.edges.map((edge) => edge.node.text)).toEqual(['Once only']);
  });

  it('reject a bad signature with 401 and store nothing', async () => {
    const session = await startVisitorSession(server, webchat.publicKey);
    const forged = await postAsBot({ conversationId: session.conversationId, text: 'Forged' }, signBotPayload('other body', webchat.botSecret!));
    expect(forged.status).toBe(401);
    const unsigned = await postAsBot({ conversationId: session.conversationId, text: 'Forged' }, 'sha256=');
    expect(unsigned.status).toBe(401);
    const seen = await graphqlData(server.graphqlUrl, VisitorConversationDocument, {}, session.token);
    expect(seen.visitorConversation.messages.edges).toEqual([]);
  });

  it("reject a conversation of another channel with 404", async () => {
    const plain = await createWebchatChannel(server, tenant.slug);
    const session = await startVisitorSession(server, plain.publicKey);
    const response = await postAsBot({ conversationId: session.conversationId, text: 'Wrong place' });
    expect(response.status).toBe(404);
  });

  it('reject a body with neither text nor handoff with 400', async () => {
    const session = await startVisitorSession(server, webchat.publicKey);
    const response = await postAsBot({ conversationId: session.conversationId });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('body: send "text", "handoff": true, or both');
  });
});

describe('hand-off', () => {
  it('by the bot moves the conversation to agents', async () => {
    const session = await startVisitorSession(server, webchat.publicKey);
    const agentClient = createSubscriptionClient(server.webSocketUrl, tenant.adminToken);
    const updates = subscribe(agentClient, ConversationUpdatedDocument, { conversationId: session.conversationId });
    try {
      await waitForSubscriptions(server.app.eventBus, 1);
      const response = await postAsBot({ conversationId: session.conversationId, text: 'Let me get a colleague.', handoff: true });
      expect(response.status).toBe(200);
      expect(response.body.handler).toBe('HUMAN');

      const updated = (await updates.next()).data?.conversationUpdated;
      expect(updated?.handler).toBe('HUMAN');
      expect(updated?.status).toBe('OPEN');
      expect(updated?.assignee).toBeNull();
    } finally {
      updates.close();
      await agentClient.dispose();
    }

    const events = await eventsOf(session.conversationId);
    expect(events.at(-1)).toEqual({
      kind: 'handed_to_human',
      data: { reason: 'bot_requested', fromStatus: 'open', fromAssigneeId: null },
    });

    await graphqlData(server.graphqlUrl, SendVisitorMessageDocument, { text: 'Still there?' }, session.token);
    await server.app.services.botHook.idle();
    expect(bot.deliveries).toEqual([]);

    const late = await postAsBot({ conversationId: session.conversationId, text: 'Too late' });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('CONFLICT');
  });

  it('by the visitor with requestHuman hands the conversation to the agents', async () => {
    const session = await startVisitorSession(server, webchat.publicKey);
    const result = await graphqlData(server.graphqlUrl, RequestHumanDocument, {}, session.token);
    expect(result.requestHuman).toEqual({ id: session.conversationId, status: 'OPEN', handler: 'HUMAN' });
    const events = await eventsOf(session.conversationId);
    expect(events.at(-1)?.data).toEqual({ reason: 'visitor_requested', fromStatus: 'open', fromAssigneeId: null });

    const again = await graphqlData(server.graphqlUrl, RequestHumanDocument, {}, session.token);
    expect(again.requestHuman.handler).toBe('HUMAN');
    expect((await eventsOf(session.conversationId)).filter((event) => event.kind === 'handed_to_human')).toHaveLength(1);
  });

  it('happens when an agent replies, and the bot hook stops', async () => {
    const session = await startVisitorSession(server, webchat.publicKey);
    await graphqlData(server.graphqlUrl, SendMessageDocument, { input: { conversationId: session.conversationId, text: 'I will help you.' } }, tenant.adminToken);
    const seen = await graphqlData(server.graphqlUrl, ConversationMessagesDocument, { id: session.conversationId }, tenant.adminToken);
    expect(seen.conversation?.handler).toBe('HUMAN');
    const events = await eventsOf(session.conversationId);
    expect(events.find((event) => event.kind === 'handed_to_human')?.data).toEqual({ reason: 'agent_replied' });

    await graphqlData(server.graphqlUrl, SendVisitorMessageDocument, { text: 'Thanks' }, session.token);
    await server.app.services.botHook.idle();
    expect(bot.deliveries).toEqual([]);
  });
});
