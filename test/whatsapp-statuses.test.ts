import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SendMessageDocument } from './generated/graphql.js';
import { startFakeGraphApi, type FakeGraphApi } from './support/fake-graph-api.js';
import { graphqlData } from './support/graphql-client.js';
import {
  createTenantWithChannels,
  PAGE_TOKEN,
  WHATSAPP_BUSINESS_ACCOUNT_ID,
  WHATSAPP_PHONE_NUMBER_ID,
  type TestTenant,
} from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import {
  buildCustomerText,
  buildStatus,
  clearInbox,
  countRows,
  loadEventLog,
  loadMessages,
  loadOnlyConversation,
  postOk,
  selectRows,
  sendAgentText,
} from './support/whatsapp.js';

// Statuses from test/fixtures/meta/whatsapp-status-*.json, re-aimed at replies the tests send
// through the fake Graph API.

let server: TestServer;
let fake: FakeGraphApi;
let tenant: TestTenant;

beforeAll(async () => {
  fake = await startFakeGraphApi();
  fake.allowToken(PAGE_TOKEN);
  server = await startTestServer({ graphApiUrl: fake.url });
  tenant = await createTenantWithChannels(server, 'whatsapp-statuses', [
    { kind: 'whatsapp', externalId: WHATSAPP_PHONE_NUMBER_ID, businessAccountId: WHATSAPP_BUSINESS_ACCOUNT_ID },
  ]);
});

afterAll(async () => {
  await server?.close();
  await fake?.close();
});

beforeEach(async () => {
  await clearInbox(server);
  fake.reset();
});

async function loadReply(conversationId: string, messageId: string) {
  const message = (await loadMessages(server, tenant.adminToken, conversationId)).find((candidate) => candidate.id === messageId);
  if (!message) throw new Error(`message ${messageId} not found`);
  return message;
}

async function statusLog() {
  return (await loadEventLog(server)).filter((event) => event.kind === 'message_status_changed').map((event) => event.data);
}

const REENGAGEMENT_ERROR = {
  code: '131047',
  message:
    'Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
};

describe('WhatsApp status of a stored reply', () => {
  it('moves it SENT → DELIVERED → READ', async () => {
    const { conversationId, sent } = await sendAgentText(server, tenant.adminToken, 'Your parcel left today.');
    expect(sent.status).toBe('SENT');

    await postOk(server, buildStatus('whatsapp-status-sent', sent.providerMessageId!));
    expect((await loadReply(conversationId, sent.id)).status).toBe('SENT');
    await postOk(server, buildStatus('whatsapp-status-delivered', sent.providerMessageId!));
    expect((await loadReply(conversationId, sent.id)).status).toBe('DELIVERED');
    await postOk(server, buildStatus('whatsapp-status-read', sent.providerMessageId!));

    const reply = await loadReply(conversationId, sent.id);
    expect(reply.status).toBe('READ');
    expect(reply.error).toBeNull();
    expect(await statusLog()).toEqual([{ status: 'sent' }, { status: 'delivered' }, { status: 'read' }]);
  });

  it('keeps READ on a later delivery', async () => {
    const { conversationId, sent } = await sendAgentText(server, tenant.adminToken, 'Your parcel left today.');

    await postOk(server, buildStatus('whatsapp-status-read', sent.providerMessageId!));
    await postOk(server, buildStatus('whatsapp-status-delivered', sent.providerMessageId!));
    await postOk(server, buildStatus('whatsapp-status-sent', sent.providerMessageId!));

    expect((await loadReply(conversationId, sent.id)).status).toBe('READ');
    expect(await statusLog()).toEqual([{ status: 'sent' }, { status: 'read' }]);
  });

  it('stores Meta error code and message on FAILED', async () => {
    const { conversationId, sent } = await sendAgentText(server, tenant.adminToken, 'Still interested?');

    await postOk(server, buildStatus('whatsapp-status-failed-131047', sent.providerMessageId!));

    const reply = await loadReply(conversationId, sent.id);
    expect(reply.status).toBe('FAILED');
    expect(reply.error).toEqual(REENGAGEMENT_ERROR);
    expect(reply.providerMessageId).toBe(sent.providerMessageId);
    expect((await statusLog()).at(-1)).toEqual({ status: 'failed', errorCode: '131047' });
  });

  it('stores the undeliverable reason of 131026', async () => {
    const { conversationId, sent } = await sendAgentText(server, tenant.adminToken, 'Hello?');

    await postOk(server, buildStatus('whatsapp-status-failed-131026', sent.providerMessageId!));

    expect((await loadReply(conversationId, sent.id)).error).toEqual({
      code: '131026',
      message:
        'Message undeliverable: Unable to deliver message. Reasons can include: the recipient phone number is not a WhatsApp phone number.',
    });
  });

  it('keeps FAILED when a later sent arrives', async () => {
    const { conversationId, sent } = await sendAgentText(server, tenant.adminToken, 'Still interested?');

    await postOk(server, buildStatus('whatsapp-status-failed-131047', sent.providerMessageId!));
    await postOk(server, buildStatus('whatsapp-status-sent', sent.providerMessageId!));

    const reply = await loadReply(conversationId, sent.id);
    expect(reply.status).toBe('FAILED');
    expect(reply.error).toEqual(REENGAGEMENT_ERROR);
  });

  it('turns FAILED into READ on a read', async () => {
    const { conversationId, sent } = await sendAgentText(server, tenant.adminToken, 'Still interested?');

    await postOk(server, buildStatus('whatsapp-status-failed-131047', sent.providerMessageId!));
    await postOk(server, buildStatus('whatsapp-status-read', sent.providerMessageId!));

    const reply = await loadReply(conversationId, sent.id);
    expect(reply.status).toBe('READ');
    expect(reply.error).toBeNull();
  });

  it('keeps DELIVERED on a later failure', async () => {
    const { conversationId, sent } = await sendAgentText(server, tenant.adminToken, 'Hello?');

    await postOk(server, buildStatus('whatsapp-status-delivered', sent.providerMessageId!));
    await postOk(server, buildStatus('whatsapp-status-failed-131026', sent.providerMessageId!));

    const reply = await loadReply(conversationId, sent.id);
    expect(reply.status).toBe('DELIVERED');
    expect(reply.error).toBeNull();
  });

  it('logs a redelivered status once', async () => {
    const { sent } = await sendAgentText(server, tenant.adminToken, 'Your parcel left today.');

    await postOk(server, buildStatus('whatsapp-status-delivered', sent.providerMessageId!));
    await postOk(server, buildStatus('whatsapp-status-delivered', sent.providerMessageId!));

    expect(await statusLog()).toEqual([{ status: 'sent' }, { status: 'delivered' }]);
  });

  it('leaves an inbound message RECEIVED', async () => {
    await postOk(server, buildCustomerText('wamid.TEST-IN-STATUS-1', 'Hi', new Date()));

    await postOk(server, buildStatus('whatsapp-status-read', 'wamid.TEST-IN-STATUS-1'));

    const [row] = await selectRows<{ status: string }>(server, sql`select status from messages`);
    expect(row?.status).toBe('received');
  });
});

describe('WhatsApp status before its message', () => {
  it('applies a delivery that overtook sending', async () => {
    await postOk(server, buildStatus('whatsapp-status-delivered', 'wamid.TEST-OUT-EARLY-1'));
    const parked = await selectRows<{ provider_message_id: string; event: { status: string } }>(
      server,
      sql`select provider_message_id, event from pending_message_updates`,
    );
    expect(parked.map((row) => [row.provider_message_id, row.event.status])).toEqual([['wamid.TEST-OUT-EARLY-1', 'delivered']]);

    fake.queueMessageId('wamid.TEST-OUT-EARLY-1');
    const { conversationId, sent } = await sendAgentText(server, tenant.adminToken, 'Your parcel left today.');

    expect(sent.providerMessageId).toBe('wamid.TEST-OUT-EARLY-1');
    expect(sent.status).toBe('DELIVERED');
    expect((await loadReply(conversationId, sent.id)).status).toBe('DELIVERED');
    expect(await countRows(server, 'pending_message_updates')).toBe(0);
    expect(await statusLog()).toEqual([{ status: 'sent' }, { status: 'delivered' }]);
  });

  it('applies parked statuses in order', async () => {
    await postOk(server, buildStatus('whatsapp-status-read', 'wamid.TEST-OUT-EARLY-2'));
    await postOk(server, buildStatus('whatsapp-status-delivered', 'wamid.TEST-OUT-EARLY-2'));

    fake.queueMessageId('wamid.TEST-OUT-EARLY-2');
    const { sent } = await sendAgentText(server, tenant.adminToken, 'Your parcel left today.');

    expect(sent.status).toBe('READ');
    expect(await statusLog()).toEqual([{ status: 'sent' }, { status: 'read' }]);
  });

  it('applies a failure that overtook sending', async () => {
    await postOk(server, buildStatus('whatsapp-status-failed-131047', 'wamid.TEST-OUT-EARLY-3'));

    fake.queueMessageId('wamid.TEST-OUT-EARLY-3');
    const { sent } = await sendAgentText(server, tenant.adminToken, 'Still interested?');

    expect(sent.status).toBe('FAILED');
    expect(sent.error).toEqual(REENGAGEMENT_ERROR);
  });

  it('parks a redelivered status once', async () => {
    await postOk(server, buildStatus('whatsapp-status-delivered', 'wamid.TEST-OUT-EARLY-4'));
    await postOk(server, buildStatus('whatsapp-status-delivered', 'wamid.TEST-OUT-EARLY-4'));

    expect(await countRows(server, 'pending_message_updates')).toBe(1);
  });

  it('claims a reply in flight by callback data', async () => {
    await postOk(server, buildCustomerText('wamid.TEST-IN-NOW-CLAIM', 'Are you there?', new Date()));
    const conversation = await loadOnlyConversation(server, tenant.adminToken);
    fake.queueMessageId('wamid.TEST-OUT-CLAIMED-1');
    fake.delayNext(1_500);

    const sending = graphqlData(
      server.graphqlUrl,
      SendMessageDocument,
      { input: { conversationId: conversation.id, text: 'Your parcel left today.' } },
      tenant.adminToken,
    );
    const pendingId = await waitForPendingReply();
    await postOk(server, buildStatus('whatsapp-status-delivered', 'wamid.TEST-OUT-CLAIMED-1', `parley:${pendingId}`));
    const claimed = await selectRows<{ status: string; provider_message_id: string }>(
      server,
      sql`select status, provider_message_id from messages where id = ${pendingId}`,
    );
    expect(claimed).toEqual([{ status: 'delivered', provider_message_id: 'wamid.TEST-OUT-CLAIMED-1' }]);

    const { sendMessage } = await sending;
    expect(sendMessage.status).toBe('DELIVERED');
    expect(sendMessage.providerMessageId).toBe('wamid.TEST-OUT-CLAIMED-1');
    expect(await countRows(server, 'pending_message_updates')).toBe(0);
  });
});

/** Waits until the reply being sent is stored as pending, and returns its row id. */
async function waitForPendingReply(): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const [row] = await selectRows<{ id: string }>(server, sql`select id from messages where status = 'pending'`);
    if (row) return row.id;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the reply was not stored as pending within 1 s');
}
