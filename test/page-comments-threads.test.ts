import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SendMessageDocument } from './generated/graphql.js';
import { startFakeGraphApi, type FakeGraphApi } from './support/fake-graph-api.js';
import { graphqlData } from './support/graphql-client.js';
import { createInboxReader, type InboxReader } from './support/inbox.js';
import { createTenantWithChannels, PAGE_ID, PAGE_TOKEN, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { postWebhook, readFixture } from './support/webhooks.js';

// Which conversation a Page comment joins. "Test Commenter" (9100000000000001) comments 5000_6001
// on post 100000000000001_5000; "Second Commenter" (9100000000000002) replies under it (5000_6004)
// or comments on the post itself (5000_6005).

const POST_ID = '100000000000001_5000';

interface FeedWebhookBody {
  object: string;
  entry: { id: string; time: number; changes: { field: string; value: Record<string, unknown> }[] }[];
}

let server: TestServer;
let fake: FakeGraphApi;
let tenant: TestTenant;
let inbox: InboxReader;

beforeAll(async () => {
  fake = await startFakeGraphApi();
  fake.allowToken(PAGE_TOKEN);
  server = await startTestServer({ graphApiUrl: fake.url });
  tenant = await createTenantWithChannels(server, 'page-comment-threads', [{ kind: 'facebook_page', externalId: PAGE_ID }]);
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

describe("Reply under another visitor's Page comment", () => {
  it("joins the comment's conversation", async () => {
    await inbox.postFixtureOk('page-feed-comment-add');
    await inbox.postFixtureOk('page-feed-comment-reply-by-other-visitor');

    const conversation = await inbox.loadOnlyConversation();
    expect(conversation.contact.displayName).toBe('Test Commenter');
    expect(conversation.unreadCount).toBe(2);
    expect(conversation.lastMessage?.providerMessageId).toBe('5000_6004');
    const messages = await inbox.loadMessages(conversation.id);
    expect(messages.map((message) => message.providerMessageId)).toEqual(['5000_6001', '5000_6004']);
  });

  it('names the replying visitor as authorContact', async () => {
    await inbox.postFixtureOk('page-feed-comment-add');
    await inbox.postFixtureOk('page-feed-comment-reply-by-other-visitor');

    const [comment, reply] = await inbox.loadMessages((await inbox.loadOnlyConversation()).id);
    expect(comment?.authorContact).toBeNull();
    expect(reply?.authorContact?.displayName).toBe('Second Commenter');
    expect(reply?.direction).toBe('INBOUND');
    expect(reply?.authorKind).toBe('CONTACT');
    expect(reply?.text).toBe('Following, I want green too.');
    expect(reply?.metadata).toEqual({ postId: POST_ID, parentCommentId: '5000_6001' });
    expect(reply?.sentAt).toBe('2026-03-12T10:06:40.000Z');
  });

  it('creates a contact for the replying visitor', async () => {
    await inbox.postFixtureOk('page-feed-comment-add');
    await inbox.postFixtureOk('page-feed-comment-reply-by-other-visitor');

    const identities = await inbox.selectRows<{ external_id: string; profile_name: string }>(
      sql`select external_id, profile_name from contact_identities order by external_id`,
    );
    expect(identities).toEqual([
      { external_id: '9100000000000001', profile_name: 'Test Commenter' },
      { external_id: '9100000000000002', profile_name: 'Second Commenter' },
    ]);
    expect(await inbox.countRows('conversations')).toBe(1);
  });

  it('logs the reply in the same conversation', async () => {
    await inbox.postFixtureOk('page-feed-comment-add');
    await inbox.postFixtureOk('page-feed-comment-reply-by-other-visitor');

    expect((await inbox.loadEventLog()).map((event) => event.kind)).toEqual(['opened', 'message_received', 'message_received']);
  });

  it('is stored once on redelivery', async () => {
    await inbox.postFixtureOk('page-feed-comment-add');
    await inbox.postFixtureOk('page-feed-comment-reply-by-other-visitor');
    const messages = await inbox.loadMessages((await inbox.loadOnlyConversation()).id);
    const log = await inbox.loadEventLog();

    await inbox.postFixtureOk('page-feed-comment-reply-by-other-visitor');

    expect(await inbox.loadMessages((await inbox.loadOnlyConversation()).id)).toEqual(messages);
    expect(await inbox.loadEventLog()).toEqual(log);
    expect(await inbox.countRows('contacts')).toBe(2);
  });

  it('to an unknown comment opens a thread', async () => {
    await inbox.postFixtureOk('page-feed-comment-reply-by-other-visitor');

    const conversation = await inbox.loadOnlyConversation();
    expect(conversation.contact.displayName).toBe('Second Commenter');
    expect(conversation.postId).toBe(POST_ID);
    const [reply] = await inbox.loadMessages(conversation.id);
    expect(reply?.authorContact).toBeNull();
    expect(reply?.providerMessageId).toBe('5000_6004');
  });

  it('gets answered under the top-level comment', async () => {
    await inbox.postFixtureOk('page-feed-comment-add');
    await inbox.postFixtureOk('page-feed-comment-reply-by-other-visitor');
    const conversation = await inbox.loadOnlyConversation();

    await graphqlData(
      server.graphqlUrl,
      SendMessageDocument,
      { input: { conversationId: conversation.id, text: 'Green arrives Friday for both of you.' } },
      tenant.adminToken,
    );

    expect(fake.requests.map((request) => [request.path, request.body])).toEqual([
      ['/v21.0/5000_6001/comments', { message: 'Green arrives Friday for both of you.' }],
    ]);
  });

  it('reopens a resolved conversation', async () => {
    await inbox.postFixtureOk('page-feed-comment-add');
    const conversationId = (await inbox.loadOnlyConversation()).id;
    await server.app.db.withSystem((tx) => tx.execute(sql`update conversations set status = 'resolved'`));

    await inbox.postFixtureOk('page-feed-comment-reply-by-other-visitor');

    const conversation = await inbox.loadOnlyConversation();
    expect(conversation.id).toBe(conversationId);
    expect(conversation.status).toBe('OPEN');
  });
});

describe('Top-level Page comments of two visitors', () => {
  it('open one conversation per visitor', async () => {
    await inbox.postFixtureOk('page-feed-comment-add');
    await inbox.postFixtureOk('page-feed-comment-add-by-other-visitor');

    const conversations = await inbox.listConversations();
    expect(conversations.map((conversation) => conversation.contact.displayName)).toEqual(['Second Commenter', 'Test Commenter']);
    expect(conversations.map((conversation) => conversation.postId)).toEqual([POST_ID, POST_ID]);
    expect(conversations.map((conversation) => conversation.lastMessage?.providerMessageId)).toEqual(['5000_6005', '5000_6001']);
  });

  it("keep each visitor's replies apart", async () => {
    await inbox.postFixtureOk('page-feed-comment-add');
    await inbox.postFixtureOk('page-feed-comment-add-by-other-visitor');
    const reply = JSON.parse(readFixture('page-feed-comment-reply-by-other-visitor')) as FeedWebhookBody;
    Object.assign(reply.entry[0]!.changes[0]!.value, { comment_id: '5000_6006', parent_id: '5000_6005' });
    expect((await postWebhook(server.url, reply)).status).toBe(200);

    const conversations = await inbox.listConversations();
    const second = conversations.find((conversation) => conversation.contact.displayName === 'Second Commenter');
    const messages = await inbox.loadMessages(second!.id);
    expect(messages.map((message) => message.providerMessageId)).toEqual(['5000_6005', '5000_6006']);
    expect(messages.map((message) => message.authorContact)).toEqual([null, null]);
  });
});
