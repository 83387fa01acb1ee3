import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ConversationMessagesDocument,
  ConversationsDocument,
  SendMessageDocument,
  SetConversationStatusDocument,
  type ConversationFieldsFragment,
  type MessageFieldsFragment,
} from './generated/graphql.js';
import { startFakeGraphApi, type FakeGraphApi } from './support/fake-graph-api.js';
import { graphqlData } from './support/graphql-client.js';
import { createTenantWithChannels, PAGE_ID, PAGE_TOKEN, VISITOR_ID, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { postFixture, postWebhook, readFixture } from './support/webhooks.js';

// Every test starts from an empty inbox and posts fixtures from test/fixtures/meta, then reads the
// result back over GraphQL as the tenant's admin.

interface MessagingItem {
  sender: { id: string };
  recipient: { id: string };
  timestamp?: number;
  message?: { mid: string; text?: string; metadata?: string };
  delivery?: { mids?: string[]; watermark: number };
  read?: { watermark: number };
}

interface MessengerWebhookBody {
  object: string;
  entry: { id: string; time: number; messaging: MessagingItem[] }[];
}

let server: TestServer;
let fake: FakeGraphApi;
let tenant: TestTenant;

async function selectRows<T>(query: SQL): Promise<T[]> {
  const result = await server.app.db.withSystem((tx) => tx.execute(query));
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}

async function countRows(table: 'contacts' | 'conversations' | 'messages'): Promise<number> {
  const [row] = await selectRows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`));
  return Number(row?.n);
}

async function loadEventLog(): Promise<{ kind: string; data: Record<string, unknown> }[]> {
  return selectRows(sql`select kind, data from conversation_events order by id`);
}

async function listConversations(): Promise<ConversationFieldsFragment[]> {
  const data = await graphqlData(server.graphqlUrl, ConversationsDocument, {}, tenant.adminToken);
  return data.conversations.edges.map((edge) => edge.node);
}

/** Returns the inbox's only conversation, failing when it contains none or several. */
async function loadOnlyConversation(): Promise<ConversationFieldsFragment> {
  const conversations = await listConversations();
  expect(conversations).toHaveLength(1);
  return conversations[0]!;
}

async function loadMessages(conversationId: string): Promise<MessageFieldsFragment[]> {
  const data = await graphqlData(server.graphqlUrl, ConversationMessagesDocument, { id: conversationId }, tenant.adminToken);
  if (!data.conversation) throw new Error(`conversation ${conversationId} not found over GraphQL`);
  return data.conversation.messages.edges.map((edge) => edge.node);
}

/** Returns the only message of the inbox's only conversation. */
async function loadOnlyMessage(): Promise<MessageFieldsFragment> {
  const messages = await loadMessages((await loadOnlyConversation()).id);
  expect(messages).toHaveLength(1);
  return messages[0]!;
}

async function findMessage(conversationId: string, messageId: string): Promise<MessageFieldsFragment> {
  const message = (await loadMessages(conversationId)).find((candidate) => candidate.id === messageId);
  if (!message) throw new Error(`message ${messageId} not found in conversation ${conversationId}`);
  return message;
}

async function postFixtureOk(name: string): Promise<void> {
  const response = await postFixture(server.url, name);
  expect(response.status).toBe(200);
}

async function postBodyOk(body: MessengerWebhookBody): Promise<void> {
  const response = await postWebhook(server.url, body);
  expect(response.status).toBe(200);
}

function readMessengerFixture(name: string): MessengerWebhookBody {
  return JSON.parse(readFixture(name)) as MessengerWebhookBody;
}

function firstItem(body: MessengerWebhookBody): MessagingItem {
  return body.entry[0]!.messaging[0]!;
}

/** Builds a delivery or read receipt from the visitor, from the fixture with the given watermark. */
function buildReceipt(name: 'messenger-delivery' | 'messenger-read', watermark: number, mids: string[] = []) {
  const body = readMessengerFixture(name);
  const item = firstItem(body);
  item.sender.id = VISITOR_ID;
  if (item.delivery) item.delivery = { mids, watermark };
  if (item.read) item.read = { watermark };
  return body;
}

/** Builds the echo Meta sends for a message the page sent, with Meta's `metadata` passed through. */
function buildEcho(mid: string, text: string, metadata: string, timestamp: number): MessengerWebhookBody {
  const body = readMessengerFixture('messenger-echo');
  const item = firstItem(body);
  item.timestamp = timestamp;
  item.message = { ...item.message, mid, text, metadata };
  return body;
}

/** Lets the visitor write first, then sends an agent reply through the fake Graph API. */
async function sendAgentReply(text: string) {
  await postFixtureOk('messenger-text');
  const conversation = await loadOnlyConversation();
  const data = await graphqlData(
    server.graphqlUrl,
    SendMessageDocument,
    { input: { conversationId: conversation.id, text } },
    tenant.adminToken,
  );
  return { conversationId: conversation.id, sent: data.sendMessage };
}

/** Returns the `metadata` string the sender passed to the Send API in its last request. */
function lastSentMetadata(): string {
  const body = fake.requests.at(-1)?.body as { message?: { metadata?: string } } | undefined;
  const metadata = body?.message?.metadata;
  if (metadata === undefined) throw new Error('the fake Graph API received no Send API request with metadata');
  return metadata;
}

function attachment(fields: Partial<MessageFieldsFragment['attachments'][number]>) {
  return { type: 'unsupported', url: null, title: null, latitude: null, longitude: null, stickerId: null, ...fields };
}

beforeAll(async () => {
  fake = await startFakeGraphApi();
  fake.allowToken(PAGE_TOKEN);
  server = await startTestServer({ graphApiUrl: fake.url });
  tenant = await createTenantWithChannels(server, 'messenger-events', [{ kind: 'messenger', externalId: PAGE_ID }]);
});

afterAll(async () => {
  await server?.close();
  await fake?.close();
});

beforeEach(async () => {
  await server.app.db.withSystem((tx) => tx.execute(sql`delete from contacts`));
  await server.app.db.withSystem((tx) => tx.execute(sql`delete from pending_message_updates`));
  fake.reset();
});

describe('Messenger inbound message', () => {
  it('stores text as a RECEIVED contact message', async () => {
    await postFixtureOk('messenger-text');

    const message = await loadOnlyMessage();
    expect(message.text).toBe('Hi, is the blue jacket still in stock in size M?');
    expect(message.direction).toBe('INBOUND');
    expect(message.authorKind).toBe('CONTACT');
    expect(message.author).toBeNull();
    expect(message.status).toBe('RECEIVED');
    expect(message.providerMessageId).toBe('m_test_text_1');
    expect(message.sentAt).toBe('2026-03-12T10:00:00.000Z');
    expect(message.attachments).toEqual([]);
    expect(message.metadata).toEqual({});
    expect(message.reaction).toBeNull();
    expect(message.editedAt).toBeNull();
    expect(message.deletedAt).toBeNull();
  });

  const attachmentCases = [
    {
      fixture: 'messenger-image',
      text: null,
      attachments: [attachment({ type: 'image', url: 'https://cdn.example.test/messenger/image/test-image-1.jpg' })],
    },
    {
      fixture: 'messenger-two-images',
      text: null,
      attachments: [
        attachment({ type: 'image', url: 'https://cdn.example.test/messenger/image/test-image-2.jpg' }),
        attachment({ type: 'image', url: 'https://cdn.example.test/messenger/image/test-image-3.png' }),
      ],
    },
    {
      fixture: 'messenger-audio',
      text: null,
      attachments: [attachment({ type: 'audio', url: 'https://cdn.example.test/messenger/audio/test-voice-clip-1.mp4' })],
    },
    {
      fixture: 'messenger-video',
      text: null,
      attachments: [attachment({ type: 'video', url: 'https://cdn.example.test/messenger/video/test-video-1.mp4' })],
    },
    {
      fixture: 'messenger-file',
      text: null,
      attachments: [attachment({ type: 'file', url: 'https://cdn.example.test/messenger/file/test-invoice-1.pdf' })],
    },
    {
      fixture: 'messenger-location',
      text: null,
      attachments: [attachment({ type: 'location', latitude: 52.52, longitude: 13.405 })],
    },
    {
      fixture: 'messenger-fallback',
      text: 'https://shop.example.test/spring-sale',
      attachments: [attachment({ type: 'fallback', url: 'https://shop.example.test/spring-sale', title: 'Spring sale' })],
    },
    {
      fixture: 'messenger-sticker',
      text: null,
      attachments: [
        attachment({
          type: 'sticker',
          url: 'https://cdn.example.test/messenger/sticker/test-sticker-1.png',
          stickerId: '369239263222822',
        }),
      ],
    },
  ];

  it.each(attachmentCases)('stores the attachments of $fixture', async ({ fixture, text, attachments }) => {
    await postFixtureOk(fixture);

    const message = await loadOnlyMessage();
    expect(message.attachments).toEqual(attachments);
    expect(message.text).toBe(text);
    expect(message.direction).toBe('INBOUND');
    expect(message.status).toBe('RECEIVED');
  });

  it('keeps the quick reply payload in metadata', async () => {
    await postFixtureOk('messenger-quick-reply');

    const message = await loadOnlyMessage();
    expect(message.text).toBe('Order status');
    expect(message.metadata).toEqual({ quickReplyPayload: 'ORDER_STATUS' });
    expect(message.providerMessageId).toBe('m_test_quick_reply_1');
  });

  it('stores a postback with its title as text', async () => {
    await postFixtureOk('messenger-postback');

    const message = await loadOnlyMessage();
    expect(message.text).toBe('Talk to an agent');
    expect(message.metadata).toEqual({ postback: { title: 'Talk to an agent', payload: 'TALK_TO_AGENT' } });
    expect(message.providerMessageId).toBe('m_test_postback_1');
    expect(message.direction).toBe('INBOUND');
    expect(message.sentAt).toBe('2026-03-12T10:00:55.000Z');
  });

  it('reads numeric page and visitor ids', async () => {
    await postFixtureOk('messenger-text-numeric-ids');

    const conversation = await loadOnlyConversation();
    expect(conversation.channel.externalId).toBe(PAGE_ID);
    const [message] = await loadMessages(conversation.id);
    expect(message?.text).toBe('Do you ship to Canada?');
    expect(message?.providerMessageId).toBe('m_test_text_numeric_1');
    const identities = await selectRows<{ external_id: string }>(sql`select external_id from contact_identities`);
    expect(identities).toEqual([{ external_id: VISITOR_ID }]);
  });

  it('files numeric and string ids in one conversation', async () => {
    await postFixtureOk('messenger-text');
    await postFixtureOk('messenger-text-numeric-ids');

    const conversation = await loadOnlyConversation();
    const messages = await loadMessages(conversation.id);
    expect(messages.map((message) => message.providerMessageId)).toEqual(['m_test_text_1', 'm_test_text_numeric_1']);
    expect(await countRows('contacts')).toBe(1);
  });

  it('opens one conversation per visitor in a two-entry batch', async () => {
    await postFixtureOk('messenger-batch-two-entries');

    const conversations = await listConversations();
    expect(conversations).toHaveLength(2);
    const texts = conversations.map((conversation) => conversation.lastMessage?.text).sort();
    expect(texts).toEqual(['First visitor here', 'Second visitor here']);
    expect(await countRows('contacts')).toBe(2);
    expect(await countRows('messages')).toBe(2);
  });
});

describe('Messenger referral', () => {
  it('opens a conversation without a message', async () => {
    await postFixtureOk('messenger-referral');

    const conversation = await loadOnlyConversation();
    expect(conversation.status).toBe('OPEN');
    expect(conversation.lastMessage).toBeNull();
    expect(conversation.unreadCount).toBe(0);
    expect(await loadMessages(conversation.id)).toEqual([]);
    const log = await loadEventLog();
    expect(log.map((event) => event.kind)).toEqual(['opened', 'referral']);
    expect(log[1]?.data).toEqual({ source: 'SHORTLINK', type: 'OPEN_THREAD', ref: 'spring-campaign' });
  });

  it('joins the existing thread of the visitor', async () => {
    await postFixtureOk('messenger-text');
    await postFixtureOk('messenger-referral');

    const conversation = await loadOnlyConversation();
    expect(await loadMessages(conversation.id)).toHaveLength(1);
    expect((await loadEventLog()).map((event) => event.kind)).toEqual(['opened', 'message_received', 'referral']);
  });
});

describe('Messenger echo', () => {
  it('stores a page message as OUTBOUND from the PAGE', async () => {
    await postFixtureOk('messenger-echo');

    const conversation = await loadOnlyConversation();
    expect(conversation.unreadCount).toBe(0);
    const messages = await loadMessages(conversation.id);
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message?.direction).toBe('OUTBOUND');
    expect(message?.authorKind).toBe('PAGE');
    expect(message?.author).toBeNull();
    expect(message?.status).toBe('SENT');
    expect(message?.text).toBe('Yes, size M is in stock.');
    expect(message?.providerMessageId).toBe('m_test_echo_1');
    expect(message?.metadata).toEqual({ sentByAppId: '700000000000001' });
    expect(message?.sentAt).toBe('2026-03-12T10:01:05.000Z');
  });

  it('files the echo under the visitor, never the page', async () => {
    await postFixtureOk('messenger-echo');

    const identities = await selectRows<{ external_id: string }>(sql`select external_id from contact_identities`);
    expect(identities).toEqual([{ external_id: VISITOR_ID }]);
    expect((await loadEventLog()).map((event) => event.kind)).toEqual(['opened', 'message_sent']);
  });

  it('leaves one message for the echo of an agent reply', async () => {
    const { conversationId, sent } = await sendAgentReply('Size M ships tomorrow.');
    expect(sent.status).toBe('SENT');
    const echo = buildEcho(sent.providerMessageId!, sent.text!, lastSentMetadata(), Date.parse(sent.sentAt));
    await postBodyOk(echo);

    const outbound = (await loadMessages(conversationId)).filter((message) => message.direction === 'OUTBOUND');
    expect(outbound).toHaveLength(1);
    expect(outbound[0]?.id).toBe(sent.id);
    expect(outbound[0]?.authorKind).toBe('AGENT');
    expect(outbound[0]?.status).toBe('SENT');
    expect(outbound[0]?.providerMessageId).toBe(sent.providerMessageId);
  });

  it('completes an agent reply whose send call failed', async () => {
    fake.failNext({ status: 500, code: 2, message: 'An unexpected error has occurred. Please retry your request later.' });
    const { conversationId, sent } = await sendAgentReply('Size M ships tomorrow.');
    expect(sent.status).toBe('FAILED');
    expect(sent.providerMessageId).toBeNull();
    const echoTime = Date.parse('2026-03-12T10:02:00.000Z');
    await postBodyOk(buildEcho('m_test_echo_after_failure', sent.text!, lastSentMetadata(), echoTime));

    const outbound = (await loadMessages(conversationId)).filter((message) => message.direction === 'OUTBOUND');
    expect(outbound).toHaveLength(1);
    expect(outbound[0]?.id).toBe(sent.id);
    expect(outbound[0]?.authorKind).toBe('AGENT');
    expect(outbound[0]?.status).toBe('SENT');
    expect(outbound[0]?.providerMessageId).toBe('m_test_echo_after_failure');
    expect(outbound[0]?.error).toBeNull();
    expect(outbound[0]?.sentAt).toBe('2026-03-12T10:02:00.000Z');
  });
});

describe('Messenger receipts', () => {
  it('move an agent reply SENT → DELIVERED → READ', async () => {
    const { conversationId, sent } = await sendAgentReply('Your order left the warehouse.');
    expect(sent.status).toBe('SENT');
    const afterSend = Date.parse(sent.sentAt) + 1_000;

    await postBodyOk(buildReceipt('messenger-delivery', afterSend, [sent.providerMessageId!]));
    expect((await findMessage(conversationId, sent.id)).status).toBe('DELIVERED');

    await postBodyOk(buildReceipt('messenger-read', afterSend + 1_000));
    expect((await findMessage(conversationId, sent.id)).status).toBe('READ');

    const statusChanges = (await loadEventLog()).filter((event) => event.kind === 'message_status_changed');
    expect(statusChanges.map((event) => event.data.status)).toEqual(['sent', 'delivered', 'read']);
  });

  it('leave the visitor message RECEIVED', async () => {
    const { conversationId, sent } = await sendAgentReply('Your order left the warehouse.');
    await postBodyOk(buildReceipt('messenger-read', Date.parse(sent.sentAt) + 1_000));

    const inbound = (await loadMessages(conversationId)).filter((message) => message.direction === 'INBOUND');
    expect(inbound.map((message) => message.status)).toEqual(['RECEIVED']);
  });

  it('keep READ when the delivery arrives after the read', async () => {
    const { conversationId, sent } = await sendAgentReply('Your order left the warehouse.');
    const afterSend = Date.parse(sent.sentAt) + 1_000;

    await postBodyOk(buildReceipt('messenger-read', afterSend));
    await postBodyOk(buildReceipt('messenger-delivery', afterSend, [sent.providerMessageId!]));

    expect((await findMessage(conversationId, sent.id)).status).toBe('READ');
  });

  it('skip a message sent after the watermark', async () => {
    const { conversationId, sent } = await sendAgentReply('Your order left the warehouse.');
    const beforeSend = Date.parse(sent.sentAt) - 60_000;

    await postBodyOk(buildReceipt('messenger-read', beforeSend));
    await postBodyOk(buildReceipt('messenger-delivery', beforeSend));

    expect((await findMessage(conversationId, sent.id)).status).toBe('SENT');
  });
});

describe('Messenger changes to a stored message', () => {
  it('sets the reaction on react', async () => {
    await postFixtureOk('messenger-echo');
    await postFixtureOk('messenger-reaction-react');

    const message = await loadOnlyMessage();
    expect(message.reaction).toBe('\u2764\ufe0f');
    expect(message.providerMessageId).toBe('m_test_echo_1');
  });

  it('clears the reaction on unreact', async () => {
    await postFixtureOk('messenger-echo');
    await postFixtureOk('messenger-reaction-react');
    await postFixtureOk('messenger-reaction-unreact');

    expect((await loadOnlyMessage()).reaction).toBeNull();
  });

  it('replaces the text on edit', async () => {
    await postFixtureOk('messenger-text');
    await postFixtureOk('messenger-edit');

    const message = await loadOnlyMessage();
    expect(message.text).toBe('Hi, is the blue jacket still in stock in size L?');
    expect(message.editedAt).toBe('2026-03-12T10:01:30.000Z');
    expect(message.sentAt).toBe('2026-03-12T10:00:00.000Z');
  });

  it('drops the content on deletion', async () => {
    await postFixtureOk('messenger-text');
    await postFixtureOk('messenger-deleted');

    const conversation = await loadOnlyConversation();
    expect(conversation.unreadCount).toBe(0);
    const [message] = await loadMessages(conversation.id);
    expect(message?.text).toBeNull();
    expect(message?.attachments).toEqual([]);
    expect(message?.deletedAt).toBe('2026-03-12T10:01:35.000Z');
    expect(message?.providerMessageId).toBe('m_test_text_1');
  });

  const redeliveredChanges = [
    { original: 'messenger-text', change: 'messenger-edit', kind: 'message_edited' },
    { original: 'messenger-text', change: 'messenger-deleted', kind: 'message_deleted' },
    { original: 'messenger-echo', change: 'messenger-reaction-react', kind: 'message_reaction' },
  ];

  it.each(redeliveredChanges)('logs $change once when Meta redelivers it', async ({ original, change, kind }) => {
    await postFixtureOk(original);
    await postFixtureOk(change);
    await postFixtureOk(change);

    const kinds = (await loadEventLog()).map((event) => event.kind);
    expect(kinds.filter((candidate) => candidate === kind)).toHaveLength(1);
  });
});

describe('Messenger changes before their message', () => {
  async function countPendingUpdates(): Promise<number> {
    const [row] = await selectRows<{ n: number }>(sql`select count(*)::int as n from pending_message_updates`);
    return Number(row?.n);
  }

  it('applies an edit that arrived before its message', async () => {
    await postFixtureOk('messenger-edit');
    expect(await countRows('messages')).toBe(0);
    expect(await countPendingUpdates()).toBe(1);

    await postFixtureOk('messenger-text');

    const message = await loadOnlyMessage();
    expect(message.text).toBe('Hi, is the blue jacket still in stock in size L?');
    expect(message.editedAt).toBe('2026-03-12T10:01:30.000Z');
    expect(message.providerMessageId).toBe('m_test_text_1');
    expect(await countPendingUpdates()).toBe(0);
    expect((await loadEventLog()).map((event) => event.kind)).toEqual(['opened', 'message_received', 'message_edited']);
  });

  it('applies a deletion that arrived before its message', async () => {
    await postFixtureOk('messenger-deleted');
    await postFixtureOk('messenger-text');

    const message = await loadOnlyMessage();
    expect(message.text).toBeNull();
    expect(message.deletedAt).toBe('2026-03-12T10:01:35.000Z');
  });

  it('applies a reaction that arrived before the echo', async () => {
    await postFixtureOk('messenger-reaction-react');
    await postFixtureOk('messenger-echo');

    expect((await loadOnlyMessage()).reaction).toBe('\u2764\ufe0f');
  });

  it('applies a delivery receipt naming a message not stored yet', async () => {
    await postFixtureOk('messenger-delivery');
    await postFixtureOk('messenger-echo');

    const message = await loadOnlyMessage();
    expect(message.providerMessageId).toBe('m_test_echo_1');
    expect(message.status).toBe('DELIVERED');
  });

  it('parks a redelivered edit once and applies it once', async () => {
    await postFixtureOk('messenger-edit');
    await postFixtureOk('messenger-edit');
    expect(await countPendingUpdates()).toBe(1);

    await postFixtureOk('messenger-text');
    await postFixtureOk('messenger-edit');

    const kinds = (await loadEventLog()).map((event) => event.kind);
    expect(kinds.filter((kind) => kind === 'message_edited')).toHaveLength(1);
  });
});

describe('Messenger conversation status', () => {
  async function setStatus(conversationId: string, status: 'RESOLVED' | 'SNOOZED', snoozedUntil?: string) {
    const data = await graphqlData(
      server.graphqlUrl,
      SetConversationStatusDocument,
      { input: { conversationId, status, ...(snoozedUntil ? { snoozedUntil } : {}) } },
      tenant.adminToken,
    );
    expect(data.setConversationStatus.status).toBe(status);
  }

  it('reopens a resolved conversation when the visitor writes', async () => {
    await postFixtureOk('messenger-text');
    await setStatus((await loadOnlyConversation()).id, 'RESOLVED');

    await postFixtureOk('messenger-quick-reply');

    const conversation = await loadOnlyConversation();
    expect(conversation.status).toBe('OPEN');
    expect(conversation.lastMessage?.providerMessageId).toBe('m_test_quick_reply_1');
    const reopened = (await loadEventLog()).filter((event) => event.data.reason === 'new_inbound_message');
    expect(reopened.map((event) => event.data)).toEqual([{ from: 'resolved', to: 'open', reason: 'new_inbound_message' }]);
  });

  it('reopens a snoozed conversation when the visitor writes', async () => {
    await postFixtureOk('messenger-text');
    await setStatus((await loadOnlyConversation()).id, 'SNOOZED', new Date(Date.now() + 3_600_000).toISOString());

    await postFixtureOk('messenger-quick-reply');

    const conversation = await loadOnlyConversation();
    expect(conversation.status).toBe('OPEN');
    expect(conversation.snoozedUntil).toBeNull();
  });

  it('keeps a resolved conversation resolved on a page echo', async () => {
    await postFixtureOk('messenger-text');
    await setStatus((await loadOnlyConversation()).id, 'RESOLVED');

    await postFixtureOk('messenger-echo');

    expect((await loadOnlyConversation()).status).toBe('RESOLVED');
  });
});
