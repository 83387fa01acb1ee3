import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactIdentities, conversationEvents, conversations } from '../src/db/schema.js';
import { fromGlobalId } from '../src/schema/global-id.js';
import { ConversationMessagesDocument, SetConversationStatusDocument } from './generated/graphql.js';
import { graphqlData } from './support/graphql-client.js';
import { createTenantWithChannels, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { createWebchatChannel, postSession, SITE_ORIGIN, startVisitorSession, type TestWebchatChannel } from './support/webchat.js';

let server: TestServer;
let tenant: TestTenant;
let webchat: TestWebchatChannel;
let otherWebchat: TestWebchatChannel;
let plainWebchat: TestWebchatChannel;


beforeAll(async () => {
  server = await startTestServer();
  tenant = await createTenantWithChannels(server, 'session-tenant');
  webchat = await createWebchatChannel(server, tenant.slug, {
    allowedOrigins: [SITE_ORIGIN, 'http://localhost:3000/'],
    greeting: 'Welcome to the shop!',
  });
  otherWebchat = await createWebchatChannel(server, tenant.slug, { allowedOrigins: ['https://blog.example'] });
  plainWebchat = await createWebchatChannel(server, tenant.slug);
});

afterAll(async () => {
  await server?.close();
});

describe('session origin check', () => {
  it('answers a preflight from an allowed origin', async () => {
    const response = await fetch(`${server.url}/webchat/${webchat.publicKey}/session`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(response.headers.get('access-control-allow-methods')).toBe('POST');
    expect(response.headers.get('access-control-allow-headers')).toBe('content-type');
  });

  it('rejects a preflight from another origin with 403', async () => {
    const response = await fetch(`${server.url}/webchat/${webchat.publicKey}/session`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('rejects a session from another origin with 403 and says why', async () => {
    const response = await postSession(server, webchat.publicKey, {}, 'https://evil.example');
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.body.code).toBe('FORBIDDEN');
    expect(response.body.error).toBe(
      "The origin https://evil.example is not allowed to use this chat; add it to the webchat channel's allowed origins.",
    );
  });

  it('rejects a session without an Origin header', async () => {
    const response = await postSession(server, webchat.publicKey, {}, null);
    expect(response.status).toBe(403);
    expect(response.body.error).toBe("The request has no Origin header; the chat answers only pages on the channel's allowed origins.");
  });

  it("rejects an origin allowed only on the tenant's other channel", async () => {
    const response = await postSession(server, otherWebchat.publicKey, {}, SITE_ORIGIN);
    expect(response.status).toBe(403);
  });

  it('answers 404 for an unknown widget key', async () => {
    const response = await postSession(server, 'wc_unknownunknownunknown00', {}, SITE_ORIGIN);
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('NOT_FOUND');
  });
});

describe('new session', () => {
  it('returns a token, the widget settings and the privacy policy link', async () => {
    const response = await postSession(server, webchat.publicKey, { locale: 'nl-BE' });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(SITE_ORIGIN);
    const session = response.body;
    expect(session.token.split('.')).toHaveLength(3);
    expect(session.returning).toBe(false);
    expect(session.handler).toBe('HUMAN');
    expect(session.visitor).toEqual({ name: null, email: null });
    expect(session.widget.title).toBe('Tenant session-tenant');
    expect(session.widget.greeting).toBe('Welcome to the shop!');
    expect(session.widget.language).toBe('nl');
    expect(session.widget.texts.send).toBe('Versturen');
    expect(session.privacyPolicyUrl).toBe(`${server.url}/privacy/session-tenant`);
  });

  it('creates a contact with the browser locale and an open private conversation', async () => {
    const session = await startVisitorSession(server, webchat.publicKey, { locale: 'fr-CA' });
    const conversationId = fromGlobalId('Conversation', session.conversationId);
    const rows = await server.app.db.withTenant(tenant.tenantId, async (tx) => {
      const [conversation] = await tx.select().from(conversations).where(eq(conversations.id, conversationId));
      const identities = await tx.select().from(contactIdentities).where(eq(contactIdentities.contactId, conversation!.contactId));
      const events = await tx.select().from(conversationEvents).where(eq(conversationEvents.conversationId, conversationId));
      return { conversation: conversation!, identities, events };
    });
    expect(rows.conversation.channelId).toBe(webchat.channelId);
    expect(rows.conversation.kind).toBe('private');
    expect(rows.conversation.status).toBe('open');
    expect(rows.conversation.handler).toBe('human');
    expect(rows.identities).toHaveLength(1);
    expect(rows.identities[0]!.locale).toBe('fr-CA');
    expect(rows.identities[0]!.externalId).toBe(rows.conversation.threadKey);
    expect(rows.events.map((event) => [event.kind, event.data])).toEqual([['opened', { channelId: webchat.channelId, handler: 'human' }]]);
  });

  it('ignores a locale that is not a language tag', async () => {
    const session = await startVisitorSession(server, webchat.publicKey, { locale: '<script>' });
    const conversationId = fromGlobalId('Conversation', session.conversationId);
    const [identity] = await server.app.db.withTenant(tenant.tenantId, (tx) =>
      tx
        .select({ locale: contactIdentities.locale })
        .from(contactIdentities)
        .innerJoin(conversations, eq(conversations.contactId, contactIdentities.contactId))
        .where(and(eq(conversations.id, conversationId))),
    );
    expect(identity?.locale).toBeNull();
  });

  it('rejects a body that is not JSON with 400', async () => {
    const response = await fetch(`${server.url}/webchat/${webchat.publicKey}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: SITE_ORIGIN },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('access-control-allow-origin')).toBe(SITE_ORIGIN);
    expect(await response.json()).toEqual({ error: 'The body is not valid JSON.', code: 'BAD_USER_INPUT' });
  });
});

describe('returning visitor', () => {
  it('gets the same conversation back with its token', async () => {
    const first = await startVisitorSession(server, webchat.publicKey);
    const again = await startVisitorSession(server, webchat.publicKey, { token: first.token });
    expect(again.conversationId).toBe(first.conversationId);
    expect(again.returning).toBe(true);
  });

  it('reopens a resolved conversation and logs why', async () => {
    const first = await startVisitorSession(server, webchat.publicKey);
    await graphqlData(
      server.graphqlUrl,
      SetConversationStatusDocument,
      { input: { conversationId: first.conversationId, status: 'RESOLVED' } },
      tenant.adminToken,
    );

    const again = await startVisitorSession(server, webchat.publicKey, { token: first.token });
    expect(again.conversationId).toBe(first.conversationId);
    const seen = await graphqlData(server.graphqlUrl, ConversationMessagesDocument, { id: first.conversationId }, tenant.adminToken);
    expect(seen.conversation?.status).toBe('OPEN');
    const events = await server.app.db.withTenant(tenant.tenantId, (tx) =>
      tx
        .select({ kind: conversationEvents.kind, data: conversationEvents.data })
        .from(conversationEvents)
        .where(eq(conversationEvents.conversationId, fromGlobalId('Conversation', first.conversationId)))
        .orderBy(conversationEvents.id),
    );
    expect(events.at(-1)).toEqual({ kind: 'status_changed', data: { from: 'resolved', to: 'open', reason: 'visitor_returned' } });
  });

  it("gets a new conversation with another channel's token", async () => {
    const onBlog = await fetch(`${server.url}/webchat/${otherWebchat.publicKey}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://blog.example' },
      body: '{}',
    });
    const blogSession = (await onBlog.json()) as { token: string; conversationId: string };
    const shopSession = await startVisitorSession(server, webchat.publicKey, { token: blogSession.token });
    expect(shopSession.returning).toBe(false);
    expect(shopSession.conversationId).not.toBe(blogSession.conversationId);
  });

  it('gets a new conversation with a forged token', async () => {
    const first = await startVisitorSession(server, webchat.publicKey);
    const forged = `${first.token.slice(0, -4)}AAAA`;
    const again = await startVisitorSession(server, webchat.publicKey, { token: forged });
    expect(again.returning).toBe(false);
    expect(again.conversationId).not.toBe(first.conversationId);
  });
});

describe('channel creation', () => {
  it('rejects an allowed origin with a path', async () => {
    await expect(
      server.app.services.tenantAdmin.createWebchatChannel({ tenantSlug: tenant.slug, name: 'Bad', allowedOrigins: ['https://a.example/shop'] }),
    ).rejects.toThrow('allowed origin: "https://a.example/shop" is not an origin; write it as https://www.example.com, without a path');
  });

  it('generates a bot secret only with a bot URL', async () => {
    const withBot = await createWebchatChannel(server, tenant.slug, { botUrl: 'http://127.0.0.1:9/bot' });
    expect(withBot.botSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(withBot.publicKey).toMatch(/^wc_[A-Za-z0-9_-]{24}$/);
    expect(webchat.botSecret).toBeNull();
  });
});

describe('widget texts', () => {
  it.each([
    ['de-CH', 'de', 'Senden'],
    ['fr', 'fr', 'Envoyer'],
    ['pt-BR', 'en', 'Send'],
  ])('for %s are in %s', async (locale, language, send) => {
    const session = await startVisitorSession(server, plainWebchat.publicKey, { locale });
    expect(session.widget.language).toBe(language);
    expect(session.widget.texts.send).toBe(send);
  });

  it('give the default greeting in the language when the channel has none', async () => {
    const session = await startVisitorSession(server, plainWebchat.publicKey, { locale: 'nl-NL' });
    expect(session.widget.greeting).toBe('Hallo! Waarmee kunnen we je helpen?');
  });
});

describe('widget script', () => {
  it('is served as JavaScript of at most 25 KiB', async () => {
    const response = await fetch(`${server.url}/widget.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    const script = await response.text();
    expect(script).toContain('graphql-transport-ws');
    expect(Buffer.byteLength(script)).toBeLessThanOrEqual(25 * 1024);
  });

  it('is served gzip-compressed to clients that accept it', async () => {
    const response = await fetch(`${server.url}/widget.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(await response.text()).toContain('graphql-transport-ws');
  });
});

describe('privacy policy shown', () => {
  it('records the version and language the widget links', async () => {
    const { privacyPolicies: policies } = await import('../src/db/schema.js');
    await server.app.db.withTenant(tenant.tenantId, (tx) =>
      tx.insert(policies).values(
        ['en', 'nl', 'fr', 'de'].map((locale) => ({ tenantId: tenant.tenantId, version: 1, locale, title: `Privacy ${locale}`, body: 'Text' })),
      ),
    );
    const session = await startVisitorSession(server, plainWebchat.publicKey, { locale: 'nl-NL' });
    const contactRowId = await server.app.db.withTenant(tenant.tenantId, async (tx) => {
      const [row] = await tx
        .select({ contactId: conversations.contactId })
        .from(conversations)
        .where(eq(conversations.id, fromGlobalId('Conversation', session.conversationId)));
      return row!.contactId;
    });

    const { privacyPolicyViews } = await import('../src/db/schema.js');
    const views = await server.app.db.withTenant(tenant.tenantId, (tx) =>
      tx
        .select({ version: privacyPolicyViews.version, locale: privacyPolicyViews.locale })
        .from(privacyPolicyViews)
        .where(eq(privacyPolicyViews.contactId, contactRowId)),
    );
    expect(views).toEqual([{ version: 1, locale: 'nl' }]);
  });
});
