import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  HideCommentDocument,
  LikeCommentDocument,
  SendMessageDocument,
  SendPrivateReplyDocument,
  UnhideCommentDocument,
  type MessageFieldsFragment,
} from './generated/graphql.js';
import { startFakeGraphApi, type FakeGraphApi } from './support/fake-graph-api.js';
import { graphqlData, graphqlRequest } from './support/graphql-client.js';
import { createInboxReader, type InboxReader } from './support/inbox.js';
import { createTenantWithChannels, INSTAGRAM_ACCOUNT_ID, INSTAGRAM_TOKEN, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { postWebhook } from './support/webhooks.js';

// What Parley sends to the Graph API for an instagram channel: direct replies, comment replies,
// hiding and private replies, each checked at the fake as path, query and body.

const VISITOR_ID = '9200000000000001';
const COMMENT_ID = '17900000000000001';

let server: TestServer;
let fake: FakeGraphApi;
let tenant: TestTenant;
let inbox: InboxReader;

async function sendAgentReply(conversationId: string, text: string): Promise<MessageFieldsFragment> {
  const data = await graphqlData(server.graphqlUrl, SendMessageDocument, { input: { conversationId, text } }, tenant.adminToken);
  return data.sendMessage;
}

async function receiveComment(): Promise<MessageFieldsFragment> {
  await inbox.postFixtureOk('instagram-comment-add');
  return inbox.loadOnlyMessage();
}

beforeAll(async () => {
  fake = await startFakeGraphApi();
  fake.allowToken(INSTAGRAM_TOKEN);
  server = await startTestServer({ graphApiUrl: fake.url });
  tenant = await createTenantWithChannels(server, 'instagram-outbound', [
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

describe('Instagram direct reply', () => {
  it('posts recipient and text', async () => {
    await inbox.postFixtureOk('instagram-text');

    await sendAgentReply((await inbox.loadOnlyConversation()).id, 'Yes, in 2 to 3 days.');

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/v21.0/${INSTAGRAM_ACCOUNT_ID}/messages`);
    expect(request?.query).toEqual({ access_token: INSTAGRAM_TOKEN });
    expect(request?.body).toEqual({ recipient: { id: VISITOR_ID }, message: { text: 'Yes, in 2 to 3 days.' } });
  });

  it("ends SENT with Meta's message id", async () => {
    await inbox.postFixtureOk('instagram-text');
    const conversation = await inbox.loadOnlyConversation();

    const sent = await sendAgentReply(conversation.id, 'Yes, in 2 to 3 days.');

    expect(sent.status).toBe('SENT');
    expect(sent.direction).toBe('OUTBOUND');
    expect(sent.authorKind).toBe('AGENT');
    expect(sent.providerMessageId).toMatch(/^m_/);
    expect(sent.error).toBeNull();
    expect((await inbox.loadMessages(conversation.id)).map((message) => message.status)).toEqual(['RECEIVED', 'SENT']);
  });

  it('ends FAILED with the Graph error', async () => {
    await inbox.postFixtureOk('instagram-text');
    fake.failNext({ status: 400, code: 10, subcode: 2534022, message: '(#10) This message is sent outside of allowed window.' });

    const sent = await sendAgentReply((await inbox.loadOnlyConversation()).id, 'Are you still there?');

    expect(sent.status).toBe('FAILED');
    expect(sent.error).toEqual({ code: '10', message: '(#10) This message is sent outside of allowed window.' });
    expect(sent.metadata).toEqual({ errorSubcode: 2534022 });
    expect(sent.providerMessageId).toBeNull();
  });

  it('rejects text over 1000 characters', async () => {
    await inbox.postFixtureOk('instagram-text');

    const response = await graphqlRequest(
      server.graphqlUrl,
      SendMessageDocument,
      { input: { conversationId: (await inbox.loadOnlyConversation()).id, text: 'x'.repeat(1_001) } },
      tenant.adminToken,
    );

    expect(response.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', length: 1_001, maxLength: 1_000 });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('Instagram comment reply', () => {
  it('posts to the replies edge', async () => {
    const comment = await receiveComment();

    const sent = await sendAgentReply(comment.conversationId, 'Blue is in stock.');

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/v21.0/${COMMENT_ID}/replies`);
    expect(request?.query).toEqual({ access_token: INSTAGRAM_TOKEN });
    expect(request?.body).toEqual({ message: 'Blue is in stock.' });
    expect(sent.status).toBe('SENT');
    expect(sent.providerMessageId).toMatch(/^\d{10}$/);
  });

  it('answers a reply under its top-level comment', async () => {
    await inbox.postFixtureOk('instagram-comment-add');
    await inbox.postFixtureOk('instagram-comment-reply-by-other-visitor');

    await sendAgentReply((await inbox.loadOnlyConversation()).id, 'Both of you: yes!');

    expect(fake.requests.map((request) => request.path)).toEqual([`/v21.0/${COMMENT_ID}/replies`]);
  });

  it('keeps one message after its webhook', async () => {
    const comment = await receiveComment();
    const sent = await sendAgentReply(comment.conversationId, 'Blue is in stock.');
    const echo = {
      object: 'instagram',
      entry: [
        {
          id: INSTAGRAM_ACCOUNT_ID,
          time: 1773309900,
          changes: [
            {
              field: 'comments',
              value: {
                from: { id: INSTAGRAM_ACCOUNT_ID, username: 'test.shop' },
                media: { id: '17960000000000001', media_product_type: 'FEED' },
                id: sent.providerMessageId,
                parent_id: COMMENT_ID,
                text: 'Blue is in stock.',
              },
            },
          ],
        },
      ],
    };
    expect((await postWebhook(server.url, echo)).status).toBe(200);

    const outbound = (await inbox.loadMessages(comment.conversationId)).filter((message) => message.direction === 'OUTBOUND');
    expect(outbound.map((message) => [message.id, message.authorKind])).toEqual([[sent.id, 'AGENT']]);
  });
});

describe('Instagram comment moderation', () => {
  it('hides with hide=true', async () => {
    const comment = await receiveComment();

    const data = await graphqlData(server.graphqlUrl, HideCommentDocument, { messageId: comment.id }, tenant.adminToken);

    expect(data.hideComment.isHidden).toBe(true);
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/v21.0/${COMMENT_ID}`);
    expect(request?.query).toEqual({ access_token: INSTAGRAM_TOKEN });
    expect(request?.body).toEqual({ hide: true });
    const log = await inbox.loadEventLog();
    expect(log.at(-1)?.kind).toBe('message_hidden');
    expect(log.at(-1)?.data).toEqual({ hidden: true });
  });

  it('unhides with POST hide=false', async () => {
    const comment = await receiveComment();
    await graphqlData(server.graphqlUrl, HideCommentDocument, { messageId: comment.id }, tenant.adminToken);

    const data = await graphqlData(server.graphqlUrl, UnhideCommentDocument, { messageId: comment.id }, tenant.adminToken);

    expect(data.unhideComment.isHidden).toBe(false);
    expect(fake.requests.map((request) => request.body)).toEqual([{ hide: true }, { hide: false }]);
  });

  it('rejects liking', async () => {
    const comment = await receiveComment();

    const response = await graphqlRequest(server.graphqlUrl, LikeCommentDocument, { messageId: comment.id }, tenant.adminToken);

    expect(response.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', channelKind: 'instagram' });
    expect(response.errors?.[0]?.message).toBe("Comments on instagram channels cannot be liked through Meta's API.");
    expect(fake.requests).toHaveLength(0);
  });

  it('rejects hiding a direct message', async () => {
    await inbox.postFixtureOk('instagram-text');
    const message = await inbox.loadOnlyMessage();

    const response = await graphqlRequest(server.graphqlUrl, HideCommentDocument, { messageId: message.id }, tenant.adminToken);

    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('Instagram private reply', () => {
  it('posts the comment as recipient', async () => {
    const comment = await receiveComment();

    const response = await graphqlRequest(
      server.graphqlUrl,
      SendPrivateReplyDocument,
      { input: { messageId: comment.id, text: 'Sent you the blue options.' } },
      tenant.adminToken,
    );

    expect(response.data?.sendPrivateReply.status).toBe('SENT');
    expect(response.data?.sendPrivateReply.metadata).toEqual({ privateReplyToCommentId: COMMENT_ID });
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.path).toBe(`/v21.0/${INSTAGRAM_ACCOUNT_ID}/messages`);
    expect(request?.query).toEqual({ access_token: INSTAGRAM_TOKEN });
    expect(request?.body).toEqual({ recipient: { comment_id: COMMENT_ID }, message: { text: 'Sent you the blue options.' } });
  });

  it('rejects a second one with PRIVATE_REPLY_ALREADY_SENT', async () => {
    const comment = await receiveComment();
    const input = { messageId: comment.id, text: 'Sent you the blue options.' };
    await graphqlData(server.graphqlUrl, SendPrivateReplyDocument, { input }, tenant.adminToken);

    const second = await graphqlRequest(server.graphqlUrl, SendPrivateReplyDocument, { input }, tenant.adminToken);

    expect(second.errors?.[0]?.extensions?.code).toBe('PRIVATE_REPLY_ALREADY_SENT');
    expect(fake.requests).toHaveLength(1);
  });
});
