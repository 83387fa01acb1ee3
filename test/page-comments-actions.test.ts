import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ConversationUpdatedDocument,
  HideCommentDocument,
  LikeCommentDocument,
  MessageAddedDocument,
  MessageUpdatedDocument,
  SendPrivateReplyDocument,
  UnhideCommentDocument,
  type MessageFieldsFragment,
} from './generated/graphql.js';
import { startFakeGraphApi, type FakeGraphApi } from './support/fake-graph-api.js';
import {
  createSubscriptionClient,
  graphqlData,
  graphqlRequest,
  subscribe,
  waitForSubscriptions,
} from './support/graphql-client.js';
import { createInboxReader, type InboxReader } from './support/inbox.js';
import { createTenantWithChannels, PAGE_ID, PAGE_TOKEN, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';

// Agent actions on Facebook Page comments: hide, unhide, like and the private reply. The tenant
// has the page's feed and its Messenger inbox; comment 5000_6001 is the visitor's comment on post
// 100000000000001_5000 from test/fixtures/meta/page-feed-comment-add.json.

const COMMENT_ID = '5000_6001';
const PERMISSION_ERROR = { status: 403, code: 200, message: '(#200) Requires pages_manage_engagement permission' };

let server: TestServer;
let fake: FakeGraphApi;
let tenant: TestTenant;
let otherTenant: TestTenant;
let inbox: InboxReader;

/** Posts the visitor's comment and returns it as the agent's query returns it. */
async function receiveComment(): Promise<MessageFieldsFragment> {
  await inbox.postFixtureOk('page-feed-comment-add');
  const [comment] = await inbox.loadMessages((await inbox.loadOnlyConversation()).id);
  return comment!;
}

async function findMessage(messageId: string): Promise<MessageFieldsFragment> {
  for (const conversation of await inbox.listConversations()) {
    const message = (await inbox.loadMessages(conversation.id)).find((candidate) => candidate.id === messageId);
    if (message) return message;
  }
  throw new Error(`message ${messageId} not found over GraphQL`);
}

function sendPrivateReply(messageId: string, text: string, token = tenant.adminToken) {
  return graphqlRequest(server.graphqlUrl, SendPrivateReplyDocument, { input: { messageId, text } }, token);
}

beforeAll(async () => {
  fake = await startFakeGraphApi();
  fake.allowToken(PAGE_TOKEN);
  server = await startTestServer({ graphApiUrl: fake.url });
  tenant = await createTenantWithChannels(server, 'page-comment-actions', [
    { kind: 'facebook_page', externalId: PAGE_ID },
    { kind: 'messenger', externalId: PAGE_ID },
  ]);
  otherTenant = await createTenantWithChannels(server, 'page-comment-others', []);
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

describe('hideComment', () => {
  it('posts is_hidden true', async () => {
    const comment = await receiveComment();

    await graphqlData(server.graphqlUrl, HideCommentDocument, { messageId: comment.id }, tenant.adminToken);

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/v21.0/${COMMENT_ID}`);
    expect(request?.query).toEqual({ access_token: PAGE_TOKEN });
    expect(request?.body).toEqual({ is_hidden: true });
  });

  it('returns and stores the comment hidden', async () => {
    const comment = await receiveComment();

    const data = await graphqlData(server.graphqlUrl, HideCommentDocument, { messageId: comment.id }, tenant.adminToken);

    expect(data.hideComment.id).toBe(comment.id);
    expect(data.hideComment.isHidden).toBe(true);
    expect(data.hideComment.text).toBe('Do you have this in green?');
    expect((await findMessage(comment.id)).isHidden).toBe(true);
  });

  it('logs agent and new state', async () => {
    const comment = await receiveComment();

    await graphqlData(server.graphqlUrl, HideCommentDocument, { messageId: comment.id }, tenant.adminToken);

    const log = await inbox.loadEventLog();
    expect(log.map((event) => event.kind)).toEqual(['opened', 'message_received', 'message_hidden']);
    expect(log[2]?.actor_agent_id).toBe(tenant.adminId);
    expect(log[2]?.data).toEqual({ hidden: true });
    expect(log[2]?.message_id).toBe(log[1]?.message_id);
  });

  it('skips Meta when already hidden', async () => {
    const comment = await receiveComment();

    await graphqlData(server.graphqlUrl, HideCommentDocument, { messageId: comment.id }, tenant.adminToken);
    const again = await graphqlData(server.graphqlUrl, HideCommentDocument, { messageId: comment.id }, tenant.adminToken);

    expect(again.hideComment.isHidden).toBe(true);
    expect(fake.requests).toHaveLength(1);
    expect((await inbox.loadEventLog()).filter((event) => event.kind === 'message_hidden')).toHaveLength(1);
  });

  it('logs once despite the webhook', async () => {
    const comment = await receiveComment();

    await graphqlData(server.graphqlUrl, HideCommentDocument, { messageId: comment.id }, tenant.adminToken);
    await inbox.postFixtureOk('page-feed-comment-hide');

    expect((await inbox.loadEventLog()).filter((event) => event.kind === 'message_hidden')).toHaveLength(1);
  });

  it('reports a Meta rejection as PROVIDER_ERROR', async () => {
    const comment = await receiveComment();
    fake.failNext(PERMISSION_ERROR);

    const response = await graphqlRequest(server.graphqlUrl, HideCommentDocument, { messageId: comment.id }, tenant.adminToken);

    expect(response.data).toBeNull();
    expect(response.errors).toHaveLength(1);
    expect(response.errors?.[0]?.message).toBe(
      'Meta rejected hiding the comment: (#200) Requires pages_manage_engagement permission (code 200).',
    );
    expect(response.errors?.[0]?.extensions).toEqual({
      code: 'PROVIDER_ERROR',
      providerCode: '200',
      providerMessage: '(#200) Requires pages_manage_engagement permission',
    });
    expect((await findMessage(comment.id)).isHidden).toBe(false);
    expect((await inbox.loadEventLog()).map((event) => event.kind)).toEqual(['opened', 'message_received']);
  });

  it('rejects the page reply', async () => {
    await inbox.postFixtureOk('page-feed-comment-add');
    await inbox.postFixtureOk('page-feed-comment-reply-by-page');
    const [, pageReply] = await inbox.loadMessages((await inbox.loadOnlyConversation()).id);

    const response = await graphqlRequest(server.graphqlUrl, HideCommentDocument, { messageId: pageReply!.id }, tenant.adminToken);

    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toBe(
      "Only a visitor's comment on a post can be hidden or unhidden; this message is not one.",
    );
    expect(fake.requests).toHaveLength(0);
  });

  it('rejects a Messenger message with BAD_USER_INPUT', async () => {
    await inbox.postFixtureOk('messenger-text');
    const message = await inbox.loadOnlyMessage();

    const response = await graphqlRequest(server.graphqlUrl, HideCommentDocument, { messageId: message.id }, tenant.adminToken);

    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(fake.requests).toHaveLength(0);
  });

  it('rejects a removed comment with BAD_USER_INPUT', async () => {
    const comment = await receiveComment();
    await inbox.postFixtureOk('page-feed-comment-remove');

    const response = await graphqlRequest(server.graphqlUrl, HideCommentDocument, { messageId: comment.id }, tenant.adminToken);

    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toBe('The comment was deleted on facebook_page, so it can no longer be hidden or unhidden.');
    expect(fake.requests).toHaveLength(0);
  });

  it("answers NOT_FOUND for another tenant's comment", async () => {
    const comment = await receiveComment();

    const response = await graphqlRequest(server.graphqlUrl, HideCommentDocument, { messageId: comment.id }, otherTenant.adminToken);

    expect(response.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(fake.requests).toHaveLength(0);
    expect((await findMessage(comment.id)).isHidden).toBe(false);
  });

  it('requires a token', async () => {
    const comment = await receiveComment();

    const response = await graphqlRequest(server.graphqlUrl, HideCommentDocument, { messageId: comment.id });

    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('unhideComment', () => {
  it('posts is_hidden false', async () => {
    const comment = await receiveComment();
    await inbox.postFixtureOk('page-feed-comment-hide');

    const data = await graphqlData(server.graphqlUrl, UnhideCommentDocument, { messageId: comment.id }, tenant.adminToken);

    expect(data.unhideComment.isHidden).toBe(false);
    expect(fake.requests.map((request) => [request.path, request.body])).toEqual([[`/v21.0/${COMMENT_ID}`, { is_hidden: false }]]);
    const log = await inbox.loadEventLog();
    expect(log.at(-1)?.kind).toBe('message_hidden');
    expect(log.at(-1)?.data).toEqual({ hidden: false });
    expect(log.at(-1)?.actor_agent_id).toBe(tenant.adminId);
  });

  it('calls nothing for a visible comment', async () => {
    const comment = await receiveComment();

    const data = await graphqlData(server.graphqlUrl, UnhideCommentDocument, { messageId: comment.id }, tenant.adminToken);

    expect(data.unhideComment.isHidden).toBe(false);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('likeComment', () => {
  it('posts to the likes edge', async () => {
    const comment = await receiveComment();

    await graphqlData(server.graphqlUrl, LikeCommentDocument, { messageId: comment.id }, tenant.adminToken);

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/v21.0/${COMMENT_ID}/likes`);
    expect(request?.query).toEqual({ access_token: PAGE_TOKEN });
    expect(request?.body).toEqual({});
  });

  it('stores likedAt and logs agent', async () => {
    const comment = await receiveComment();
    const before = Date.now();

    const data = await graphqlData(server.graphqlUrl, LikeCommentDocument, { messageId: comment.id }, tenant.adminToken);

    const likedAt = Date.parse(data.likeComment.likedAt!);
    expect(likedAt).toBeGreaterThanOrEqual(before - 1_000);
    expect(likedAt).toBeLessThanOrEqual(Date.now());
    expect(data.likeComment.metadata).toEqual({ postId: '100000000000001_5000' });
    expect((await findMessage(comment.id)).likedAt).toBe(data.likeComment.likedAt);
    const log = await inbox.loadEventLog();
    expect(log.at(-1)?.kind).toBe('comment_liked');
    expect(log.at(-1)?.actor_agent_id).toBe(tenant.adminId);
  });

  it('calls Meta once when liked twice', async () => {
    const comment = await receiveComment();

    const first = await graphqlData(server.graphqlUrl, LikeCommentDocument, { messageId: comment.id }, tenant.adminToken);
    const second = await graphqlData(server.graphqlUrl, LikeCommentDocument, { messageId: comment.id }, tenant.adminToken);

    expect(second.likeComment.likedAt).toBe(first.likeComment.likedAt);
    expect(fake.requests).toHaveLength(1);
    expect((await inbox.loadEventLog()).filter((event) => event.kind === 'comment_liked')).toHaveLength(1);
  });

  it('reports a rejection and stays unliked', async () => {
    const comment = await receiveComment();
    fake.failNext({ status: 400, code: 190, subcode: 460, message: 'Error validating access token' });

    const response = await graphqlRequest(server.graphqlUrl, LikeCommentDocument, { messageId: comment.id }, tenant.adminToken);

    expect(response.errors?.[0]?.extensions).toEqual({
      code: 'PROVIDER_ERROR',
      providerCode: '190',
      providerSubcode: 460,
      providerMessage: 'Error validating access token',
    });
    expect((await findMessage(comment.id)).likedAt).toBeNull();
  });
});

describe('sendPrivateReply', () => {
  it('posts the comment as recipient', async () => {
    const comment = await receiveComment();

    const response = await sendPrivateReply(comment.id, 'I sent you the green options in private.');

    expect(response.errors).toBeUndefined();
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/v21.0/${PAGE_ID}/messages`);
    expect(request?.query).toEqual({ access_token: PAGE_TOKEN });
    expect(request?.body).toEqual({
      recipient: { comment_id: COMMENT_ID },
      message: { text: 'I sent you the green options in private.' },
    });
  });

  it('stores the reply in the thread', async () => {
    const comment = await receiveComment();

    const reply = (await sendPrivateReply(comment.id, 'Check your inbox!')).data!.sendPrivateReply;

    expect(reply.conversationId).toBe(comment.conversationId);
    expect(reply.direction).toBe('OUTBOUND');
    expect(reply.authorKind).toBe('AGENT');
    expect(reply.author?.id).toBeDefined();
    expect(reply.status).toBe('SENT');
    expect(reply.text).toBe('Check your inbox!');
    expect(reply.providerMessageId).toMatch(/^m_/);
    expect(reply.metadata).toEqual({ privateReplyToCommentId: COMMENT_ID });
    expect(reply.error).toBeNull();
    const messages = await inbox.loadMessages(comment.conversationId);
    expect(messages.map((message) => message.id)).toEqual([comment.id, reply.id]);
  });

  it('records the reply on the comment', async () => {
    const comment = await receiveComment();

    const reply = (await sendPrivateReply(comment.id, 'Check your inbox!')).data!.sendPrivateReply;

    const stored = await findMessage(comment.id);
    expect(stored.privateReplyId).toBe(reply.id);
    expect(stored.metadata).toEqual({ postId: '100000000000001_5000' });
  });

  it('logs the reply and its delivery', async () => {
    const comment = await receiveComment();

    await sendPrivateReply(comment.id, 'Check your inbox!');

    const log = await inbox.loadEventLog();
    expect(log.map((event) => event.kind)).toEqual(['opened', 'message_received', 'message_sent', 'message_status_changed']);
    expect(log[2]?.actor_agent_id).toBe(tenant.adminId);
    expect(log[2]?.data).toEqual({ authorKind: 'agent', status: 'pending', privateReplyToMessageId: log[1]?.message_id });
    expect(log[3]?.data).toEqual({ status: 'sent' });
  });

  it('rejects a second reply', async () => {
    const comment = await receiveComment();
    await sendPrivateReply(comment.id, 'Check your inbox!');

    const second = await sendPrivateReply(comment.id, 'Did you see my message?');

    expect(second.data).toBeNull();
    expect(second.errors?.[0]?.extensions).toEqual({ code: 'PRIVATE_REPLY_ALREADY_SENT', commentId: COMMENT_ID });
    expect(second.errors?.[0]?.message).toBe(
      `Comment ${COMMENT_ID} already has a private reply, and Meta allows one per comment. ` +
        "Continue in the commenter's inbox conversation once they answer.",
    );
    expect(fake.requests).toHaveLength(1);
    const outbound = (await inbox.loadMessages(comment.conversationId)).filter((message) => message.direction === 'OUTBOUND');
    expect(outbound.map((message) => message.text)).toEqual(['Check your inbox!']);
  });

  it('lets one simultaneous reply through', async () => {
    const comment = await receiveComment();

    const results = await Promise.all([
      sendPrivateReply(comment.id, 'First agent here.'),
      sendPrivateReply(comment.id, 'Second agent here.'),
    ]);

    const codes = results.map((result) => result.errors?.[0]?.extensions?.code ?? result.data?.sendPrivateReply.status).sort();
    expect(codes).toEqual(['PRIVATE_REPLY_ALREADY_SENT', 'SENT']);
    expect(fake.requests).toHaveLength(1);
  });

  it('allows a retry after FAILED', async () => {
    const comment = await receiveComment();
    fake.failNext({ status: 400, code: 10, subcode: 2018278, message: '(#10) This message is sent outside of allowed window.' });

    const failed = (await sendPrivateReply(comment.id, 'Check your inbox!')).data!.sendPrivateReply;
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toEqual({ code: '10', message: '(#10) This message is sent outside of allowed window.' });
    expect(failed.metadata).toEqual({ privateReplyToCommentId: COMMENT_ID, errorSubcode: 2018278 });
    expect(failed.providerMessageId).toBeNull();
    expect((await findMessage(comment.id)).privateReplyId).toBe(failed.id);

    const retried = (await sendPrivateReply(comment.id, 'Check your inbox!')).data!.sendPrivateReply;
    expect(retried.status).toBe('SENT');
    expect((await findMessage(comment.id)).privateReplyId).toBe(retried.id);
    expect(fake.requests).toHaveLength(2);
  });

  it('rejects empty text with BAD_USER_INPUT', async () => {
    const comment = await receiveComment();

    const response = await sendPrivateReply(comment.id, '   ');

    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(fake.requests).toHaveLength(0);
    expect((await findMessage(comment.id)).privateReplyId).toBeNull();
  });

  it('rejects text over 2000 characters', async () => {
    const comment = await receiveComment();

    const response = await sendPrivateReply(comment.id, 'x'.repeat(2_001));

    expect(response.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', length: 2_001, maxLength: 2_000 });
    expect(fake.requests).toHaveLength(0);
  });

  it("answers the author of another visitor's reply", async () => {
    await inbox.postFixtureOk('page-feed-comment-add');
    await inbox.postFixtureOk('page-feed-comment-reply-by-other-visitor');
    const [, reply] = await inbox.loadMessages((await inbox.loadOnlyConversation()).id);

    const sent = (await sendPrivateReply(reply!.id, 'Green is back on Friday.')).data!.sendPrivateReply;

    expect(sent.status).toBe('SENT');
    expect(sent.conversationId).toBe(reply!.conversationId);
    expect(fake.requests.map((request) => request.body)).toEqual([
      { recipient: { comment_id: '5000_6004' }, message: { text: 'Green is back on Friday.' } },
    ]);
  });
});

describe('comment actions on the event bus', () => {
  it('publish hideComment as updates', async () => {
    const comment = await receiveComment();
    const client = createSubscriptionClient(server.webSocketUrl, tenant.adminToken);
    const messages = subscribe(client, MessageUpdatedDocument, {});
    const conversations = subscribe(client, ConversationUpdatedDocument, { conversationId: comment.conversationId });
    try {
      await waitForSubscriptions(server.app.eventBus, 2);
      await graphqlData(server.graphqlUrl, HideCommentDocument, { messageId: comment.id }, tenant.adminToken);

      const updated = await messages.next();
      expect(updated.data?.messageUpdated.id).toBe(comment.id);
      expect(updated.data?.messageUpdated.isHidden).toBe(true);
      const conversation = await conversations.next();
      expect(conversation.data?.conversationUpdated.id).toBe(comment.conversationId);
    } finally {
      messages.close();
      conversations.close();
      await client.dispose();
    }
  });

  it('publish the private reply, then its status', async () => {
    const comment = await receiveComment();
    const client = createSubscriptionClient(server.webSocketUrl, tenant.adminToken);
    const added = subscribe(client, MessageAddedDocument, { conversationId: comment.conversationId });
    const updated = subscribe(client, MessageUpdatedDocument, { conversationId: comment.conversationId });
    try {
      await waitForSubscriptions(server.app.eventBus, 2);
      const reply = (await sendPrivateReply(comment.id, 'Check your inbox!')).data!.sendPrivateReply;

      const addedResult = await added.next();
      expect(addedResult.data?.messageAdded.id).toBe(reply.id);
      expect(addedResult.data?.messageAdded.status).toBe('PENDING');
      const changes = [await updated.next(), await updated.next()].map((result) => result.data?.messageUpdated);
      expect(changes.map((message) => [message?.id, message?.status, message?.privateReplyId])).toEqual([
        [comment.id, 'RECEIVED', reply.id],
        [reply.id, 'SENT', null],
      ]);
    } finally {
      added.close();
      updated.close();
      await client.dispose();
    }
  });
});
