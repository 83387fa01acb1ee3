import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGraphApi, type FakeGraphApi } from './support/fake-graph-api.js';
import { createInboxReader, type InboxReader } from './support/inbox.js';
import { createTenantWithChannels, INSTAGRAM_ACCOUNT_ID, INSTAGRAM_TOKEN, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// Comments on the Instagram account's media (field "comments"). "test.visitor" (9200000000000001)
// comments 17900000000000001 on media 17960000000000001; the account replies to it (…002) and
// "second.visitor" (9200000000000002) replies under it (…003) or comments on the media (…004).

const MEDIA_ID = '17960000000000001';
const COMMENT_ID = '17900000000000001';

let server: TestServer;
let fake: FakeGraphApi;
let tenant: TestTenant;
let inbox: InboxReader;

beforeAll(async () => {
  fake = await startFakeGraphApi();
  fake.allowToken(INSTAGRAM_TOKEN);
  server = await startTestServer({ graphApiUrl: fake.url });
  tenant = await createTenantWithChannels(server, 'instagram-comments', [
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

describe('Instagram comment from a visitor', () => {
  it('opens a COMMENT_THREAD per media', async () => {
    await inbox.postFixtureOk('instagram-comment-add');

    const conversation = await inbox.loadOnlyConversation();
    expect(conversation.kind).toBe('COMMENT_THREAD');
    expect(conversation.postId).toBe(MEDIA_ID);
    expect(conversation.status).toBe('OPEN');
    expect(conversation.unreadCount).toBe(1);
    expect(conversation.contact.displayName).toBe('test.visitor');
    expect(conversation.channel.kind).toBe('INSTAGRAM');
  });

  it('stores a RECEIVED message', async () => {
    await inbox.postFixtureOk('instagram-comment-add');

    const message = await inbox.loadOnlyMessage();
    expect(message.text).toBe('Is this available in blue?');
    expect(message.direction).toBe('INBOUND');
    expect(message.authorKind).toBe('CONTACT');
    expect(message.status).toBe('RECEIVED');
    expect(message.providerMessageId).toBe(COMMENT_ID);
    expect(message.metadata).toEqual({ mediaId: MEDIA_ID, mediaProductType: 'FEED' });
    // The change has no time of its own, so the entry's time dates it.
    expect(message.sentAt).toBe('2026-03-12T10:02:00.000Z');
    expect(message.isHidden).toBe(false);
    expect(message.authorContact).toBeNull();
  });

  it('is stored once on redelivery', async () => {
    await inbox.postFixtureOk('instagram-comment-add');
    await inbox.postFixtureOk('instagram-comment-add');

    expect(await inbox.countRows('messages')).toBe(1);
    expect(await inbox.countRows('contacts')).toBe(1);
    expect((await inbox.loadEventLog()).map((event) => event.kind)).toEqual(['opened', 'message_received']);
  });

  it('gives each commenter a thread', async () => {
    await inbox.postFixtureOk('instagram-comment-add');
    await inbox.postFixtureOk('instagram-comment-add-by-other-visitor');

    const conversations = await inbox.listConversations();
    expect(conversations.map((conversation) => conversation.contact.displayName)).toEqual(['second.visitor', 'test.visitor']);
    expect(conversations.map((conversation) => conversation.postId)).toEqual([MEDIA_ID, MEDIA_ID]);
  });
});

describe('Instagram reply under a comment', () => {
  it('from the account lands OUTBOUND', async () => {
    await inbox.postFixtureOk('instagram-comment-add');
    await inbox.postFixtureOk('instagram-comment-reply-by-account');

    const conversation = await inbox.loadOnlyConversation();
    expect(conversation.unreadCount).toBe(1);
    const [, reply] = await inbox.loadMessages(conversation.id);
    expect(reply?.direction).toBe('OUTBOUND');
    expect(reply?.authorKind).toBe('PAGE');
    expect(reply?.status).toBe('SENT');
    expect(reply?.text).toBe('It is, in all sizes.');
    expect(reply?.providerMessageId).toBe('17900000000000002');
    expect(reply?.metadata).toEqual({ mediaId: MEDIA_ID, mediaProductType: 'FEED', parentCommentId: COMMENT_ID });
    const identities = await inbox.selectRows<{ external_id: string }>(sql`select external_id from contact_identities`);
    expect(identities).toEqual([{ external_id: '9200000000000001' }]);
  });

  it('from another visitor joins the thread', async () => {
    await inbox.postFixtureOk('instagram-comment-add');
    await inbox.postFixtureOk('instagram-comment-reply-by-other-visitor');

    const conversation = await inbox.loadOnlyConversation();
    expect(conversation.contact.displayName).toBe('test.visitor');
    expect(conversation.unreadCount).toBe(2);
    const [, reply] = await inbox.loadMessages(conversation.id);
    expect(reply?.direction).toBe('INBOUND');
    expect(reply?.text).toBe('I want to know too!');
    expect(reply?.authorContact?.displayName).toBe('second.visitor');
    expect(reply?.metadata).toEqual({ mediaId: MEDIA_ID, mediaProductType: 'FEED', parentCommentId: COMMENT_ID });
    expect(await inbox.countRows('contacts')).toBe(2);
  });

  it('to an unknown comment stores nothing', async () => {
    await inbox.postFixtureOk('instagram-comment-reply-by-account');

    expect(await inbox.countRows('conversations')).toBe(0);
    expect(await inbox.countRows('messages')).toBe(0);
    expect(await inbox.countRows('contacts')).toBe(0);
  });
});

describe('Instagram changes other than comments', () => {
  it.each(['instagram-comment-legacy', 'instagram-mention'])('%s stores nothing', async (fixture) => {
    await inbox.postFixtureOk(fixture);

    expect(await inbox.countRows('contacts')).toBe(0);
    expect(await inbox.countRows('conversations')).toBe(0);
    expect(await inbox.countRows('messages')).toBe(0);
    expect(await inbox.countRows('conversation_events')).toBe(0);
  });
});
