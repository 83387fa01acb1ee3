import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SendMessageDocument, type MessageFieldsFragment } from './generated/graphql.js';
import { startFakeGraphApi, type FakeGraphApi } from './support/fake-graph-api.js';
import { graphqlData } from './support/graphql-client.js';
import { createInboxReader, type InboxReader } from './support/inbox.js';
import { createTenantWithChannels, INSTAGRAM_ACCOUNT_ID, INSTAGRAM_TOKEN, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { postWebhook, readFixture } from './support/webhooks.js';

// Instagram direct messages (object "instagram", entry[].messaging and standby) on an `instagram`
// channel for account 17841400000000001. The visitor is 9200000000000001; the fixtures are in
// test/fixtures/meta/instagram-*.json.

const VISITOR_ID = '9200000000000001';

interface MessagingWebhookBody {
  object: string;
  entry: { id: string; time: number; messaging: Record<string, unknown>[] }[];
}

let server: TestServer;
let fake: FakeGraphApi;
let tenant: TestTenant;
let inbox: InboxReader;

function attachment(fields: Partial<MessageFieldsFragment['attachments'][number]>) {
  return { type: 'unsupported', url: null, title: null, latitude: null, longitude: null, stickerId: null, ...fields };
}

/** Builds the messaging_seen event Meta sends when the visitor has seen the message `mid`. */
function buildSeen(mid: string): MessagingWebhookBody {
  const body = JSON.parse(readFixture('instagram-seen')) as MessagingWebhookBody;
  body.entry[0]!.messaging[0]!.read = { mid };
  return body;
}

async function sendAgentReply(conversationId: string, text: string): Promise<MessageFieldsFragment> {
  const data = await graphqlData(server.graphqlUrl, SendMessageDocument, { input: { conversationId, text } }, tenant.adminToken);
  return data.sendMessage;
}

beforeAll(async () => {
  fake = await startFakeGraphApi();
  fake.allowToken(INSTAGRAM_TOKEN);
  server = await startTestServer({ graphApiUrl: fake.url });
  tenant = await createTenantWithChannels(server, 'instagram-messages', [
    { kind: 'instagram', externalId: INSTAGRAM_ACCOUNT_ID, accessToken: INSTAGRAM_TOKEN },
  ]);
  inbox = createInboxReader(server, () => tenant.adminToken);
});

afterAll(async () => {
  await server?.close();
  await fake?.close();
});

beforeEach(async () => {
  await server.app.db.withSystem((tx) => tx.execute(sql`delete from contacts`));
  fake.reset();
});

describe('Instagram inbound direct message', () => {
  it('opens a PRIVATE conversation', async () => {
    await inbox.postFixtureOk('instagram-text');

    const conversation = await inbox.loadOnlyConversation();
    expect(conversation.kind).toBe('PRIVATE');
    expect(conversation.status).toBe('OPEN');
    expect(conversation.postId).toBeNull();
    expect(conversation.unreadCount).toBe(1);
    expect(conversation.channel.kind).toBe('INSTAGRAM');
    expect(conversation.channel.externalId).toBe(INSTAGRAM_ACCOUNT_ID);
    const identities = await inbox.selectRows<{ external_id: string }>(sql`select external_id from contact_identities`);
    expect(identities).toEqual([{ external_id: VISITOR_ID }]);
  });

  it('stores text as a RECEIVED contact message', async () => {
    await inbox.postFixtureOk('instagram-text');

    const message = await inbox.loadOnlyMessage();
    expect(message.text).toBe('Hi! Do you ship to Belgium?');
    expect(message.direction).toBe('INBOUND');
    expect(message.authorKind).toBe('CONTACT');
    expect(message.status).toBe('RECEIVED');
    expect(message.providerMessageId).toBe('ig_mid_text_1');
    expect(message.sentAt).toBe('2026-03-12T10:00:00.000Z');
    expect(message.attachments).toEqual([]);
    expect(message.metadata).toEqual({});
    expect(message.authorContact).toBeNull();
  });

  const attachmentCases = [
    { fixture: 'instagram-image', type: 'image', url: 'https://cdn.example.test/instagram/image/test-image-1.jpg' },
    { fixture: 'instagram-video', type: 'video', url: 'https://cdn.example.test/instagram/video/test-video-1.mp4' },
    { fixture: 'instagram-audio', type: 'audio', url: 'https://cdn.example.test/instagram/audio/test-voice-clip-1.mp4' },
    { fixture: 'instagram-file', type: 'file', url: 'https://cdn.example.test/instagram/file/test-size-chart-1.pdf' },
    { fixture: 'instagram-share', type: 'share', url: 'https://cdn.example.test/instagram/share/test-post-1' },
    { fixture: 'instagram-story-mention', type: 'story_mention', url: 'https://cdn.example.test/instagram/story/test-story-1.mp4' },
    { fixture: 'instagram-unsupported', type: 'unsupported', url: 'https://cdn.example.test/instagram/unsupported/test-asset-1' },
  ];

  it.each(attachmentCases)('stores $fixture as one $type attachment', async ({ fixture, type, url }) => {
    await inbox.postFixtureOk(fixture);

    const message = await inbox.loadOnlyMessage();
    expect(message.attachments).toEqual([attachment({ type, url })]);
    expect(message.text).toBeNull();
    expect(message.direction).toBe('INBOUND');
    expect(message.status).toBe('RECEIVED');
    expect(message.metadata).toEqual({});
  });

  it('keeps the replied story in metadata', async () => {
    await inbox.postFixtureOk('instagram-story-reply');

    const message = await inbox.loadOnlyMessage();
    expect(message.text).toBe('Love this look!');
    expect(message.metadata).toEqual({
      replyToStory: { id: '17950000000000001', url: 'https://cdn.example.test/instagram/story/test-story-2.jpg' },
    });
    expect(message.attachments).toEqual([]);
    expect(message.providerMessageId).toBe('ig_mid_story_reply_1');
  });

  it('stores a standby message like any other', async () => {
    await inbox.postFixtureOk('instagram-standby');

    const message = await inbox.loadOnlyMessage();
    expect(message.text).toBe('Hello? Anyone there?');
    expect(message.direction).toBe('INBOUND');
    expect(message.providerMessageId).toBe('ig_mid_standby_1');
    expect(message.sentAt).toBe('2026-03-12T10:01:40.000Z');
  });

  it('files one visitor in one conversation', async () => {
    await inbox.postFixtureOk('instagram-text');
    await inbox.postFixtureOk('instagram-image');

    const conversation = await inbox.loadOnlyConversation();
    const messages = await inbox.loadMessages(conversation.id);
    expect(messages.map((message) => message.providerMessageId)).toEqual(['ig_mid_text_1', 'ig_mid_image_1']);
    expect(conversation.unreadCount).toBe(2);
  });
});

describe('Instagram echo', () => {
  it('stores OUTBOUND from the PAGE', async () => {
    await inbox.postFixtureOk('instagram-echo');

    const conversation = await inbox.loadOnlyConversation();
    expect(conversation.unreadCount).toBe(0);
    const message = await inbox.loadOnlyMessage();
    expect(message.direction).toBe('OUTBOUND');
    expect(message.authorKind).toBe('PAGE');
    expect(message.author).toBeNull();
    expect(message.status).toBe('SENT');
    expect(message.text).toBe('Yes, we ship to Belgium.');
    expect(message.providerMessageId).toBe('ig_mid_echo_1');
    expect(message.sentAt).toBe('2026-03-12T10:01:05.000Z');
    expect(message.metadata).toEqual({});
  });

  it('files under the visitor, not the account', async () => {
    await inbox.postFixtureOk('instagram-echo');

    const identities = await inbox.selectRows<{ external_id: string }>(sql`select external_id from contact_identities`);
    expect(identities).toEqual([{ external_id: VISITOR_ID }]);
    expect((await inbox.loadEventLog()).map((event) => event.kind)).toEqual(['opened', 'message_sent']);
  });

  it('joins the thread the visitor started', async () => {
    await inbox.postFixtureOk('instagram-text');
    await inbox.postFixtureOk('instagram-echo');

    const conversation = await inbox.loadOnlyConversation();
    const messages = await inbox.loadMessages(conversation.id);
    expect(messages.map((message) => [message.providerMessageId, message.direction])).toEqual([
      ['ig_mid_text_1', 'INBOUND'],
      ['ig_mid_echo_1', 'OUTBOUND'],
    ]);
  });

  it('of an agent reply leaves one message', async () => {
    await inbox.postFixtureOk('instagram-text');
    const conversation = await inbox.loadOnlyConversation();
    const sent = await sendAgentReply(conversation.id, 'We do, in 2 to 3 days.');
    expect(sent.status).toBe('SENT');

    const echo = JSON.parse(readFixture('instagram-echo')) as MessagingWebhookBody;
    echo.entry[0]!.messaging[0]!.message = { mid: sent.providerMessageId, text: sent.text, is_echo: true };
    expect((await postWebhook(server.url, echo)).status).toBe(200);

    const outbound = (await inbox.loadMessages(conversation.id)).filter((message) => message.direction === 'OUTBOUND');
    expect(outbound).toHaveLength(1);
    expect(outbound[0]?.id).toBe(sent.id);
    expect(outbound[0]?.authorKind).toBe('AGENT');
    expect(outbound[0]?.status).toBe('SENT');
  });
});

describe('Instagram changes to a stored message', () => {
  it('sets the reaction on react', async () => {
    await inbox.postFixtureOk('instagram-echo');
    await inbox.postFixtureOk('instagram-reaction-react');

    const message = await inbox.loadOnlyMessage();
    expect(message.reaction).toBe('\u2764\ufe0f');
    expect(message.providerMessageId).toBe('ig_mid_echo_1');
  });

  it('clears the reaction on unreact', async () => {
    await inbox.postFixtureOk('instagram-echo');
    await inbox.postFixtureOk('instagram-reaction-react');
    await inbox.postFixtureOk('instagram-reaction-unreact');

    expect((await inbox.loadOnlyMessage()).reaction).toBeNull();
  });

  it('drops the content when the visitor unsends', async () => {
    await inbox.postFixtureOk('instagram-text');
    await inbox.postFixtureOk('instagram-deleted');

    const conversation = await inbox.loadOnlyConversation();
    expect(conversation.unreadCount).toBe(0);
    const [message] = await inbox.loadMessages(conversation.id);
    expect(message?.text).toBeNull();
    expect(message?.attachments).toEqual([]);
    expect(message?.deletedAt).toBe('2026-03-12T10:01:30.000Z');
    expect(message?.providerMessageId).toBe('ig_mid_text_1');
  });

  it('logs each change against the message', async () => {
    await inbox.postFixtureOk('instagram-echo');
    await inbox.postFixtureOk('instagram-reaction-react');
    await inbox.postFixtureOk('instagram-reaction-unreact');

    const log = await inbox.loadEventLog();
    expect(log.map((event) => event.kind)).toEqual(['opened', 'message_sent', 'message_reaction', 'message_reaction']);
    expect(new Set(log.slice(1).map((event) => event.message_id)).size).toBe(1);
  });
});

describe('Instagram read receipt (messaging_seen)', () => {
  it('moves the seen message to READ', async () => {
    await inbox.postFixtureOk('instagram-echo');
    await inbox.postFixtureOk('instagram-seen');

    const message = await inbox.loadOnlyMessage();
    expect(message.status).toBe('READ');
    const statusChanges = (await inbox.loadEventLog()).filter((event) => event.kind === 'message_status_changed');
    expect(statusChanges.map((event) => event.data)).toEqual([{ status: 'read' }]);
  });

  it('covers messages sent before the seen one', async () => {
    await inbox.postFixtureOk('instagram-text');
    const conversation = await inbox.loadOnlyConversation();
    const first = await sendAgentReply(conversation.id, 'We ship to Belgium.');
    const second = await sendAgentReply(conversation.id, 'Delivery takes 2 to 3 days.');

    await postWebhook(server.url, buildSeen(second.providerMessageId!));

    const statuses = (await inbox.loadMessages(conversation.id)).map((message) => [message.id, message.status]);
    expect(statuses).toEqual([
      [expect.any(String), 'RECEIVED'],
      [first.id, 'READ'],
      [second.id, 'READ'],
    ]);
  });

  it('leaves later messages SENT', async () => {
    await inbox.postFixtureOk('instagram-echo');
    const conversation = await inbox.loadOnlyConversation();
    const later = await sendAgentReply(conversation.id, 'Anything else?');

    await inbox.postFixtureOk('instagram-seen');

    const statuses = (await inbox.loadMessages(conversation.id)).map((message) => [message.providerMessageId, message.status]);
    expect(statuses).toEqual([
      ['ig_mid_echo_1', 'READ'],
      [later.providerMessageId, 'SENT'],
    ]);
  });

  it('for an unknown message changes nothing', async () => {
    await inbox.postFixtureOk('instagram-echo');
    await postWebhook(server.url, buildSeen('ig_mid_unknown'));

    expect((await inbox.loadOnlyMessage()).status).toBe('SENT');
  });
});

describe('Instagram redelivery', () => {
  const redeliveries = [
    { setup: [], fixture: 'instagram-text' },
    { setup: [], fixture: 'instagram-story-mention' },
    { setup: [], fixture: 'instagram-echo' },
    { setup: ['instagram-echo'], fixture: 'instagram-reaction-react' },
    { setup: ['instagram-text'], fixture: 'instagram-deleted' },
    { setup: ['instagram-echo'], fixture: 'instagram-seen' },
  ];

  it.each(redeliveries)('stores $fixture once', async ({ setup, fixture }) => {
    for (const name of setup) await inbox.postFixtureOk(name);
    await inbox.postFixtureOk(fixture);
    const conversations = await inbox.listConversations();
    const messages = await inbox.loadMessages(conversations[0]!.id);
    const log = await inbox.loadEventLog();

    await inbox.postFixtureOk(fixture);

    expect(await inbox.listConversations()).toEqual(conversations);
    expect(await inbox.loadMessages(conversations[0]!.id)).toEqual(messages);
    expect(await inbox.loadEventLog()).toEqual(log);
    expect(await inbox.countRows('contacts')).toBe(1);
  });
});

describe('Instagram webhook for no connected account', () => {
  it('stores nothing for a Dashboard test event', async () => {
    const body = JSON.parse(readFixture('instagram-text')) as MessagingWebhookBody;
    body.entry[0]!.id = '0';

    expect((await postWebhook(server.url, body)).status).toBe(200);

    expect(await inbox.countRows('contacts')).toBe(0);
    expect(await inbox.countRows('messages')).toBe(0);
  });
});
