import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationEvents, contacts, conversations } from '../src/db/schema.js';
import { fromGlobalId } from '../src/schema/global-id.js';
import {
  AgentsDocument,
  ConversationMessagesDocument,
  ConversationsDocument,
  ConversationUpdatedDocument,
  MeDocument,
  MessageAddedDocument,
  SendMessageDocument,
  SendVisitorMessageDocument,
  SetConversationStatusDocument,
  SetTypingDocument,
  TypingChangedDocument,
  UpdateVisitorProfileDocument,
  VisitorConversationDocument,
} from './generated/graphql.js';
import { createSubscriptionClient, graphqlData, graphqlRequest, subscribe, waitForSubscriptions } from './support/graphql-client.js';
import { createTenantWithChannels, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { createWebchatChannel, startVisitorSession, type TestWebchatChannel } from './support/webchat.js';

let server: TestServer;
let tenant: TestTenant;
let webchat: TestWebchatChannel;

beforeAll(async () => {
  server = await startTestServer({
    webchatRateLimits: {
      visitorMessages: { max: 5, windowMs: 60_000 },
      visitorTyping: { max: 100, windowMs: 10_000 },
      newSessions: { max: 100, windowMs: 60_000 },
    },
  });
  tenant = await createTenantWithChannels(server, 'visitor-tenant');
  webchat = await createWebchatChannel(server, tenant.slug);
});

afterAll(async () => {
  await server?.close();
});

describe('visitor messages', () => {
  it('store an inbound webchat message that a subscribed agent receives', async () => {
    const session = await startVisitorSession(server, webchat.publicKey);
    const agentClient = createSubscriptionClient(server.webSocketUrl, tenant.adminToken);
    const live = subscribe(agentClient, MessageAddedDocument, {});
    try {
      await waitForSubscriptions(server.app.eventBus, 1);
      const sent = await graphqlData(server.graphqlUrl, SendVisitorMessageDocument, { text: '  Where is my parcel?  ' }, session.token);
      expect(sent.sendVisitorMessage.text).toBe('Where is my parcel?');
      expect(sent.sendVisitorMessage.direction).toBe('INBOUND');
      expect(sent.sendVisitorMessage.authorKind).toBe('CONTACT');
      expect(sent.sendVisitorMessage.status).toBe('RECEIVED');
      expect(sent.sendVisitorMessage.conversationId).toBe(session.conversationId);

      const delivered = await live.next();
      expect(delivered.data?.messageAdded.id).toBe(sent.sendVisitorMessage.id);
      expect(delivered.data?.messageAdded.text).toBe('Where is my parcel?');
    } finally {
      live.close();
      await agentClient.dispose();
    }

    const events = await server.app.db.withTenant(tenant.tenantId, (tx) =>
      tx
        .select({ kind: conversationEvents.kind, data: conversationEvents.data })
        .from(conversationEvents)
        .where(eq(conversationEvents.conversationId, fromGlobalId('Conversation', session.conversationId)))
        .orderBy(conversationEvents.id),
    );
    expect(events.map((event) => event.kind)).toEqual(['opened', 'message_received']);
  });

  it('store a message resent with the same clientMessageId once', async () => {
    const session = await startVisitorSession(server, webchat.publicKey);
    const first = await graphqlData(server.graphqlUrl, SendVisitorMessageDocument, { text: 'Hello', clientMessageId: 'client-0001' }, session.token);
    const again = await graphqlData(server.graphqlUrl, SendVisitorMessageDocument, { text: 'Hello', clientMessageId: 'client-0001' }, session.token);
    expect(again.sendVisitorMessage.id).toBe(first.sendVisitorMessage.id);
    const history = await graphqlData(server.graphqlUrl, VisitorConversationDocument, {}, session.token);
    expect(history.visitorConversation.messages.edges.map((edge) => edge.node.text)).toEqual(['Hello']);
  });

  it('reject empty text', async () => {
    const session = await startVisitorSession(server, webchat.publicKey);
    const response = await graphqlRequest(server.graphqlUrl, SendVisitorMessageDocument, { text: '   ' }, session.token);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toBe('The message text is empty.');
  });

  it('are limited per visitor with RATE_LIMITED', async () => {
    const session = await startVisitorSession(server, webchat.publicKey);
    for (let index = 1; index <= 5; index += 1) {
      const response = await graphqlRequest(server.graphqlUrl, SendVisitorMessageDocument, { text: `Message ${index}` }, session.token);
      expect(response.errors).toBeUndefined();
    }
    const limited = await graphqlRequest(server.graphqlUrl, SendVisitorMessageDocument, { text: 'One too many' }, session.token);
    expect(limited.errors?.[0]?.extensions?.code, JSON.stringify(limited)).toBe('RATE_LIMITED');
    expect(limited.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0);

    const otherVisitor = await startVisitorSession(server, webchat.publicKey);
    const unaffected = await graphqlRequest(server.graphqlUrl, SendVisitorMessageDocument, { text: 'Hi' }, otherVisitor.token);
    expect(unaffected.errors).toBeUndefined();
  });
});

describe('agent replies on webchat', () => {
  it('end SENT and reach the visitor by subscription', async () => {
    const session = await startVisitorSession(server, webchat.publicKey);
    await graphqlData(server.graphqlUrl, SendVisitorMessageDocument, { text: 'Can I return shoes?' }, session.token);

    const visitorClient = createSubscriptionClient(server.webSocketUrl, session.token);
    const live = subscribe(visitorClient, MessageAddedDocument, {});
    try {
      await waitForSubscriptions(server.app.eventBus, 1);
      const reply = await graphqlData(
        server.graphqlUrl,
        SendMessageDocument,
        { input: { conversationId: session.conversationId, text: 'Yes, within 30 days.' } },
        tenant.adminToken,
      );
      expect(reply.sendMessage.status).toBe('SENT');
      expect(reply.sendMessage.error).toBeNull();

      const delivered = await live.next();
      expect(delivered.errors).toBeUndefined();
      expect(delivered.data?.messageAdded.text).toBe('Yes, within 30 days.');
      expect(delivered.data?.messageAdded.authorKind).toBe('AGENT');
      expect(delivered.data?.messageAdded.author).toBeNull();
    } finally {
      live.close();
      await visitorClient.dispose();
    }
  });
});

describe('visitor token scope', () => {
  it('shows the own conversation without agent data', async () => {
    const session = await startVisitorSession(server, webchat.publicKey);
    await graphqlData(server.graphqlUrl, SendVisitorMessageDocument, { text: 'Question' }, session.token);
    await graphqlData(server.graphqlUrl, SendMessageDocument, { input: { conversationId: session.conversationId, text: 'Answer' } }, tenant.adminToken);

    const seen = await graphqlData(server.graphqlUrl, VisitorConversationDocument, { last: 10 }, session.token);
    expect(seen.visitorConversation.id).toBe(session.conversationId);
    expect(seen.visitorConversation.status).toBe('OPEN');
    const messages = seen.visitorConversation.messages.edges.map((edge) => edge.node);
    expect(messages.map((message) => [message.authorKind, message.text])).toEqual([
      ['CONTACT', 'Question'],
      ['AGENT', 'Answer'],
    ]);
    expect(messages[1]!.author).toBeNull();

    const asAgent = await graphqlData(server.graphqlUrl, ConversationMessagesDocument, { id: session.conversationId, last: 10 }, tenant.adminToken);
    expect(asAgent.conversation?.messages.edges[1]?.node.author?.displayName).toBe('Admin visitor-tenant');
  });

  it('pages through the own messages', async () => {
    const session = await startVisitorSession(server, webchat.publicKey);
    for (const text of ['First', 'Second', 'Third']) {
      await graphqlData(server.graphqlUrl, SendVisitorMessageDocument, { text }, session.token);
    }
    const firstPage = await graphqlData(server.graphqlUrl, VisitorConversationDocument, { first: 2 }, session.token);
    const { edges, pageInfo } = firstPage.visitorConversation.messages;
    expect(edges.map((edge) => edge.node.text)).toEqual(['First', 'Second']);
    expect(pageInfo.hasNextPage).toBe(true);

    const secondPage = await graphqlData(server.graphqlUrl, VisitorConversationDocument, { first: 2, after: pageInfo.endCursor }, session.token);
    expect(secondPage.visitorConversation.messages.edges.map((edge) => edge.node.text)).toEqual(['Third']);
    expect(secondPage.visitorConversation.messages.pageInfo.hasNextPage).toBe(false);
  });

  it.each([
    ['conversations', ConversationsDocument],
    ['me', MeDocument],
    ['agents', AgentsDocument],
  ] as [string, TypedDocumentNode<unknown, Record<string, never>>][])('gives FORBIDDEN for the agent query %s', async (_name, document) => {
    const session = await startVisitorSession(server, webchat.publicKey);
    const response = await graphqlRequest(server.graphqlUrl, document, {}, session.token);
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(response.errors?.[0]?.message).toBe('This operation is for agents; a webchat visitor token cannot use it.');
  });

  it("cannot read or write another visitor's conversation", async () => {
    const mine = await startVisitorSession(server, webchat.publicKey);
    const theirs = await startVisitorSession(server, webchat.publicKey);
    await graphqlData(server.graphqlUrl, SendVisitorMessageDocument, { text: 'Private to them' }, theirs.token);

    const read = await graphqlRequest(server.graphqlUrl, ConversationMessagesDocument, { id: theirs.conversationId }, mine.token);
    expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(read.data)).not.toContain('Private to them');

    const write = await graphqlRequest(
      server.graphqlUrl,
      SendMessageDocument,
      { input: { conversationId: theirs.conversationId, text: 'Intrusion' } },
      mine.token,
    );
    expect(write.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const status = await graphqlRequest(
      server.graphqlUrl,
      SetConversationStatusDocument,
      { input: { conversationId: theirs.conversationId, status: 'RESOLVED' } },
      mine.token,
    );
    expect(status.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const own = await graphqlData(server.graphqlUrl, VisitorConversationDocument, {}, mine.token);
    expect(own.visitorConversation.messages.edges).toEqual([]);
  });

  it("receives only its own conversation's messages whatever conversationId it subscribes with", async () => {
    const mine = await startVisitorSession(server, webchat.publicKey);
    const theirs = await startVisitorSession(server, webchat.publicKey);
    const client = createSubscriptionClient(server.webSocketUrl, mine.token);
    const live = subscribe(client, MessageAddedDocument, { conversationId: theirs.conversationId });
    try {
      await waitForSubscriptions(server.app.eventBus, 1);
      await graphqlData(server.graphqlUrl, SendVisitorMessageDocument, { text: 'Their secret' }, theirs.token);
      await live.expectNothing(400);
      await graphqlData(server.graphqlUrl, SendVisitorMessageDocument, { text: 'My own' }, mine.token);
      const delivered = await live.next();
      expect(delivered.data?.messageAdded.text).toBe('My own');
      expect(delivered.data?.messageAdded.conversationId).toBe(mine.conversationId);
    } finally {
      live.close();
      await client.dispose();
    }
  });

  it('gets FORBIDDEN for the conversationUpdated subscription', async () => {
    const session = await startVisitorSession(server, webchat.publicKey);
    const client = createSubscriptionClient(server.webSocketUrl, session.token);
    const live = subscribe(client, ConversationUpdatedDocument, {});
    try {
      const result = await live.next();
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(result.data).toBeUndefined();
    } finally {
      live.close();
      await client.dispose();
    }
  });

  it('gives FORBIDDEN to an agent token on visitorConversation and UNAUTHENTICATED without a token', async () => {
    const asAgent = await graphqlRequest(server.graphqlUrl, VisitorConversationDocument, {}, tenant.adminToken);
    expect(asAgent.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await graphqlRequest(server.graphqlUrl, VisitorConversationDocument, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('stops working once its conversation is deleted', async () => {
    const session = await startVisitorSession(server, webchat.publicKey);
    const conversationId = fromGlobalId('Conversation', session.conversationId);
    await server.app.db.withSystem((tx) => tx.execute(sql`delete from conversations where id = ${conversationId}`));
    const response = await graphqlRequest(server.graphqlUrl, VisitorConversationDocument, {}, session.token);
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('erased conversation', () => {
  it('rejects a message from a socket opened before the erasure', async () => {
    const session = await startVisitorSession(server, webchat.publicKey);
    const conversationId = fromGlobalId('Conversation', session.conversationId);
    const client = createSubscriptionClient(server.webSocketUrl, session.token);
    // A live subscription keeps the lazy client's socket open across the erasure.
    const keepOpen = subscribe(client, MessageAddedDocument, {});
    try {
      await waitForSubscriptions(server.app.eventBus, 1);
      const before = subscribe(client, SendVisitorMessageDocument, { text: 'Before' });
      expect((await before.next()).errors).toBeUndefined();
      const contactId = await server.app.db.withSystem(async (tx) => {
        const [row] = await tx.select({ contactId: conversations.contactId }).from(conversations).where(eq(conversations.id, conversationId));
        await tx.delete(conversations).where(eq(conversations.id, conversationId));
        return row!.contactId;
      });

      const after = subscribe(client, SendVisitorMessageDocument, { text: 'After' });
      const result = await after.next();
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      const remaining = await server.app.db.withSystem((tx) =>
        tx.select({ id: conversations.id }).from(conversations).where(eq(conversations.contactId, contactId)),
      );
      expect(remaining).toEqual([]);
    } finally {
      keepOpen.close();
      await client.dispose();
    }
  });
});

describe('visitor profile', () => {
  it('stores the name and email the visitor gave', async () => {
    const session = await startVisitorSession(server, webchat.publicKey);
    const updated = await graphqlData(
      server.graphqlUrl,
      UpdateVisitorProfileDocument,
      { name: ' Anna de Vries ', email: 'anna@example.nl' },
      session.token,
    );
    expect(updated.updateVisitorProfile.visitor).toEqual({ name: 'Anna de Vries', email: 'anna@example.nl' });
    const asAgent = await graphqlData(server.graphqlUrl, ConversationMessagesDocument, { id: session.conversationId }, tenant.adminToken);
    expect(asAgent.conversation?.contact.displayName).toBe('Anna de Vries');

    const nameOnly = await graphqlData(server.graphqlUrl, UpdateVisitorProfileDocument, { name: 'Anna' }, session.token);
    expect(nameOnly.updateVisitorProfile.visitor).toEqual({ name: 'Anna', email: 'anna@example.nl' });
  });

  it.each([
    [{ email: 'not-an-email' }, '"email" must be an email address.'],
    [{ name: '   ' }, '"name" must not be empty.'],
    [{ name: 'x'.repeat(101) }, '"name" must be at most 100 characters.'],
    [{ name: 'Bell\u0007' }, '"name" must not contain control characters.'],
    [{}, 'Give a name, an email address or both.'],
  ])('rejects %j', async (variables, message) => {
    const session = await startVisitorSession(server, webchat.publicKey);
    const response = await graphqlRequest(server.graphqlUrl, UpdateVisitorProfileDocument, variables, session.token);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toBe(message);
    const [contact] = await server.app.db.withTenant(tenant.tenantId, (tx) =>
      tx.select({ name: contacts.displayName, email: contacts.email }).from(contacts).orderBy(sql`${contacts.createdAt} desc`).limit(1),
    );
    expect(contact).toEqual({ name: null, email: null });
  });
});

describe('typing', () => {
  it('reaches only the other side', async () => {
    const session = await startVisitorSession(server, webchat.publicKey);
    const agentClient = createSubscriptionClient(server.webSocketUrl, tenant.adminToken);
    const visitorClient = createSubscriptionClient(server.webSocketUrl, session.token);
    const agentSees = subscribe(agentClient, TypingChangedDocument, { conversationId: session.conversationId });
    const visitorSees = subscribe(visitorClient, TypingChangedDocument, {});
    try {
      await waitForSubscriptions(server.app.eventBus, 2);
      await graphqlData(server.graphqlUrl, SetTypingDocument, { isTyping: true }, session.token);
      expect((await agentSees.next()).data?.typingChanged).toEqual({
        conversationId: session.conversationId,
        actor: 'VISITOR',
        isTyping: true,
      });

      await graphqlData(server.graphqlUrl, SetTypingDocument, { isTyping: true, conversationId: session.conversationId }, tenant.adminToken);
      expect((await visitorSees.next()).data?.typingChanged).toEqual({
        conversationId: session.conversationId,
        actor: 'AGENT',
        isTyping: true,
      });
      await agentSees.expectNothing(300);
      await visitorSees.expectNothing(0);
    } finally {
      agentSees.close();
      visitorSees.close();
      await agentClient.dispose();
      await visitorClient.dispose();
    }
  });

  it('needs a conversation id from an agent', async () => {
    const response = await graphqlRequest(server.graphqlUrl, SetTypingDocument, { isTyping: true }, tenant.adminToken);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
