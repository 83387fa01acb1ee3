import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ConversationMessagesDocument,
  ConversationsDocument,
  SendMessageDocument,
  type ConversationFieldsFragment,
  type MessageFieldsFragment,
} from './generated/graphql.js';
import { startFakeGraphApi, type FakeGraphApi } from './support/fake-graph-api.js';
import { graphqlData } from './support/graphql-client.js';
import { createTenantWithChannels, PAGE_ID, PAGE_TOKEN, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { postFixture, postWebhook, readFixture } from './support/webhooks.js';

// Facebook Page comments (webhook field "feed") on a `facebook_page` channel for the test page.
// The fixtures are in test/fixtures/meta; comment 5000_6001 is the visitor's comment on post
// 100000000000001_5000.

const POST_ID = '100000000000001_5000';
const COMMENT_ID = '5000_6001';

interface FeedWebhookBody {
  object: string;
  entry: { id: string; time: number; changes: { field: string; value: Record<string, unknown> }[] }[];
}

let server: TestServer;
let fake: FakeGraphApi;
let tenant: TestTenant;

async function selectRows<T>(query: SQL): Promise<T[]> {
  const result = await server.app.db.withSystem((tx) => tx.execute(query));
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}

async function countRows(table: 'contacts' | 'conversations' | 'messages' | 'conversation_events'): Promise<number> {
  const [row] = await selectRows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`));
  return Number(row?.n);
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

async function postFixtureOk(name: string): Promise<void> {
  const response = await postFixture(server.url, name);
  expect(response.status).toBe(200);
}

async function sendAgentReply(conversationId: string, text: string): Promise<MessageFieldsFragment> {
  const data = await graphqlData(server.graphqlUrl, SendMessageDocument, { input: { conversationId, text } }, tenant.adminToken);
  return data.sendMessage;
}

/** Builds the feed change Meta sends when the page's reply `commentId` is published. */
function buildPageReply(commentId: string, message: string): FeedWebhookBody {
  const body = JSON.parse(readFixture('page-feed-comment-reply-by-page')) as FeedWebhookBody;
  const value = body.entry[0]!.changes[0]!.value;
  value.comment_id = commentId;
  value.message = message;
  return body;
}

beforeAll(async () => {
  fake = await startFakeGraphApi();
  fake.allowToken(PAGE_TOKEN);
  server = await startTestServer({ graphApiUrl: fake.url });
  tenant = await createTenantWithChannels(server, 'page-feed', [{ kind: 'facebook_page', externalId: PAGE_ID }]);
});

afterAll(async () => {
  await server?.close();
  await fake?.close();
});

beforeEach(async () => {
  await server.app.db.withSystem((tx) => tx.execute(sql`delete from contacts`));
  fake.reset();
});

describe('Page comment from a visitor', () => {
  it('opens a COMMENT_THREAD conversation for the post', async () => {
    await postFixtureOk('page-feed-comment-add');

    const conversation = await loadOnlyConversation();
    expect(conversation.kind).toBe('COMMENT_THREAD');
    expect(conversation.postId).toBe(POST_ID);
    expect(conversation.status).toBe('OPEN');
    expect(conversation.unreadCount).toBe(1);
    expect(conversation.contact.displayName).toBe('Test Commenter');
    expect(conversation.channel.kind).toBe('FACEBOOK_PAGE');
    expect(conversation.channel.externalId).toBe(PAGE_ID);
  });

  it('stores the comment as a RECEIVED message', async () => {
    await postFixtureOk('page-feed-comment-add');

    const message = await loadOnlyMessage();
    expect(message.text).toBe('Do you have this in green?');
    expect(message.direction).toBe('INBOUND');
    expect(message.authorKind).toBe('CONTACT');
    expect(message.status).toBe('RECEIVED');
    expect(message.providerMessageId).toBe(COMMENT_ID);
    expect(message.metadata).toEqual({ postId: POST_ID });
    expect(message.sentAt).toBe('2026-03-12T10:03:20.000Z');
    expect(message.isHidden).toBe(false);
    expect(message.attachments).toEqual([]);
  });

  it('replaces the text on edited', async () => {
    await postFixtureOk('page-feed-comment-add');
    await postFixtureOk('page-feed-comment-edited');

    const message = await loadOnlyMessage();
    expect(message.text).toBe('Do you have this in dark green?');
    expect(message.providerMessageId).toBe(COMMENT_ID);
    // The change carries the comment's created_time; the edit happened at the entry's time.
    expect(message.editedAt).toBe('2026-03-12T10:04:22.000Z');
  });

  it('sets isHidden on hide', async () => {
    await postFixtureOk('page-feed-comment-add');
    await postFixtureOk('page-feed-comment-hide');

    const message = await loadOnlyMessage();
    expect(message.isHidden).toBe(true);
    expect(message.text).toBe('Do you have this in green?');
  });

  it('clears isHidden on unhide', async () => {
    await postFixtureOk('page-feed-comment-add');
    await postFixtureOk('page-feed-comment-hide');
    await postFixtureOk('page-feed-comment-unhide');

    expect((await loadOnlyMessage()).isHidden).toBe(false);
  });

  it('drops the text on remove', async () => {
    await postFixtureOk('page-feed-comment-add');
    await postFixtureOk('page-feed-comment-remove');

    const message = await loadOnlyMessage();
    expect(message.text).toBeNull();
    expect(message.deletedAt).toBe('2026-03-12T10:07:22.000Z');
    expect(message.providerMessageId).toBe(COMMENT_ID);
  });

  it('logs each change against the same message', async () => {
    await postFixtureOk('page-feed-comment-add');
    for (const name of ['edited', 'hide', 'unhide', 'remove']) await postFixtureOk(`page-feed-comment-${name}`);

    const log = await selectRows<{ kind: string; message_id: string | null }>(
      sql`select kind, message_id from conversation_events order by id`,
    );
    expect(log.map((event) => event.kind)).toEqual([
      'opened',
      'message_received',
      'message_edited',
      'message_hidden',
      'message_hidden',
      'message_deleted',
    ]);
    expect(new Set(log.slice(1).map((event) => event.message_id)).size).toBe(1);
  });

  it.each([
    { verb: 'edited', kind: 'message_edited' },
    { verb: 'hide', kind: 'message_hidden' },
    { verb: 'remove', kind: 'message_deleted' },
  ])('logs $verb once when Meta redelivers it', async ({ verb, kind }) => {
    await postFixtureOk('page-feed-comment-add');
    await postFixtureOk(`page-feed-comment-${verb}`);
    await postFixtureOk(`page-feed-comment-${verb}`);

    const log = await selectRows<{ kind: string }>(sql`select kind from conversation_events order by id`);
    expect(log.filter((event) => event.kind === kind)).toHaveLength(1);
  });

  it('files a reply under the comment in the same conversation', async () => {
    await postFixtureOk('page-feed-comment-add');
    await postFixtureOk('page-feed-comment-reply-by-visitor');

    const conversation = await loadOnlyConversation();
    const messages = await loadMessages(conversation.id);
    expect(messages.map((message) => message.providerMessageId)).toEqual([COMMENT_ID, '5000_6003']);
    expect(messages[1]?.metadata).toEqual({ postId: POST_ID, parentCommentId: COMMENT_ID });
    expect(messages[1]?.direction).toBe('INBOUND');
  });
});

describe('Page comment from the page', () => {
  it('lands as OUTBOUND from the PAGE in the thread', async () => {
    await postFixtureOk('page-feed-comment-add');
    await postFixtureOk('page-feed-comment-reply-by-page');

    const conversation = await loadOnlyConversation();
    const messages = await loadMessages(conversation.id);
    expect(messages).toHaveLength(2);
    const reply = messages[1];
    expect(reply?.direction).toBe('OUTBOUND');
    expect(reply?.authorKind).toBe('PAGE');
    expect(reply?.status).toBe('SENT');
    expect(reply?.text).toBe('Yes! Green is back in stock this week.');
    expect(reply?.providerMessageId).toBe('5000_6002');
    expect(reply?.metadata).toEqual({ postId: POST_ID, parentCommentId: COMMENT_ID });
    expect(conversation.unreadCount).toBe(1);
  });

  it('stores nothing for a reply to an unknown comment', async () => {
    await postFixtureOk('page-feed-comment-reply-by-page');

    expect(await countRows('conversations')).toBe(0);
    expect(await countRows('messages')).toBe(0);
    expect(await countRows('contacts')).toBe(0);
  });
});

describe('Page feed items other than comments', () => {
  it.each(['page-feed-post-add', 'page-feed-reaction-add'])('%s stores nothing', async (fixture) => {
    await postFixtureOk(fixture);

    expect(await countRows('contacts')).toBe(0);
    expect(await countRows('conversations')).toBe(0);
    expect(await countRows('messages')).toBe(0);
    expect(await countRows('conversation_events')).toBe(0);
  });

  it.each(['page-feed-post-add', 'page-feed-reaction-add'])('%s leaves a comment thread unchanged', async (fixture) => {
    await postFixtureOk('page-feed-comment-add');
    const conversation = await loadOnlyConversation();
    const messages = await loadMessages(conversation.id);

    await postFixtureOk(fixture);

    expect(await listConversations()).toEqual([conversation]);
    expect(await loadMessages(conversation.id)).toEqual(messages);
    expect(await countRows('conversation_events')).toBe(2);
  });
});

describe('Agent reply in a comment thread', () => {
  it('makes one POST to the comment edge', async () => {
    await postFixtureOk('page-feed-comment-add');
    const conversation = await loadOnlyConversation();

    await sendAgentReply(conversation.id, 'Green arrives on Friday.');

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/v21.0/${COMMENT_ID}/comments`);
    expect(request?.query).toEqual({ access_token: PAGE_TOKEN });
    expect(request?.body).toEqual({ message: 'Green arrives on Friday.' });
  });

  it('ends SENT with the id of the new comment', async () => {
    await postFixtureOk('page-feed-comment-add');
    const conversation = await loadOnlyConversation();

    const sent = await sendAgentReply(conversation.id, 'Green arrives on Friday.');

    // The fake returns the post part of the parent comment id and a 10-digit number.
    expect(sent.providerMessageId).toMatch(/^5000_\d{10}$/);
    expect(sent.status).toBe('SENT');
    expect(sent.direction).toBe('OUTBOUND');
    expect(sent.authorKind).toBe('AGENT');
    expect(sent.error).toBeNull();
    const stored = (await loadMessages(conversation.id)).find((message) => message.id === sent.id);
    expect(stored?.status).toBe('SENT');
    expect(stored?.providerMessageId).toBe(sent.providerMessageId);
  });

  it('targets the top-level comment of a reply', async () => {
    await postFixtureOk('page-feed-comment-add');
    await postFixtureOk('page-feed-comment-reply-by-visitor');
    const conversation = await loadOnlyConversation();

    await sendAgentReply(conversation.id, 'Size L as well.');

    expect(fake.requests.map((request) => request.path)).toEqual([`/v21.0/${COMMENT_ID}/comments`]);
  });

  it('keeps one message when the webhook for the reply arrives', async () => {
    await postFixtureOk('page-feed-comment-add');
    const conversation = await loadOnlyConversation();
    const sent = await sendAgentReply(conversation.id, 'Green arrives on Friday.');

    const response = await postWebhook(server.url, buildPageReply(sent.providerMessageId!, 'Green arrives on Friday.'));
    expect(response.status).toBe(200);

    const outbound = (await loadMessages(conversation.id)).filter((message) => message.direction === 'OUTBOUND');
    expect(outbound).toHaveLength(1);
    expect(outbound[0]?.id).toBe(sent.id);
    expect(outbound[0]?.authorKind).toBe('AGENT');
  });

  it('ends FAILED with the Graph error', async () => {
    await postFixtureOk('page-feed-comment-add');
    const conversation = await loadOnlyConversation();
    fake.failNext({ status: 400, code: 190, message: 'Error validating access token', subcode: 460 });

    const sent = await sendAgentReply(conversation.id, 'Green arrives on Friday.');

    expect(sent.status).toBe('FAILED');
    expect(sent.error).toEqual({ code: '190', message: 'Error validating access token' });
    expect(sent.providerMessageId).toBeNull();
    expect(sent.metadata).toEqual({ errorSubcode: 460 });
    expect(fake.requests).toHaveLength(1);
    const stored = (await loadMessages(conversation.id)).find((message) => message.id === sent.id);
    expect(stored?.status).toBe('FAILED');
    expect(stored?.error).toEqual({ code: '190', message: 'Error validating access token' });
  });
});
