import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ChannelsDocument,
  MarkConversationReadDocument,
  SendMessageDocument,
  SendTemplateDocument,
  WhatsAppTemplatesDocument,
  type SendMessageInput,
} from './generated/graphql.js';
import { startFakeGraphApi, type FakeGraphApi, type FakeMessageTemplate } from './support/fake-graph-api.js';
import { graphqlData, graphqlRequest } from './support/graphql-client.js';
import {
  createTenantWithChannels,
  PAGE_ID,
  PAGE_TOKEN,
  WHATSAPP_BUSINESS_ACCOUNT_ID,
  WHATSAPP_CUSTOMER_ID,
  WHATSAPP_PHONE_NUMBER_ID,
  type TestTenant,
} from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import {
  buildCustomerText,
  clearInbox,
  countRows,
  loadMessages,
  loadOnlyConversation,
  loadStoredMessage,
  postFixtureOk,
  postOk,
} from './support/whatsapp.js';

// Agent messages on WhatsApp, checked by the exact requests the fake Graph API receives.

let server: TestServer;
let fake: FakeGraphApi;
let tenant: TestTenant;

const HOUR_MS = 3_600_000;
const MESSAGES_PATH = `/v21.0/${WHATSAPP_PHONE_NUMBER_ID}/messages`;

beforeAll(async () => {
  fake = await startFakeGraphApi();
  fake.allowToken(PAGE_TOKEN);
  server = await startTestServer({ graphApiUrl: fake.url });
  tenant = await createTenantWithChannels(server, 'whatsapp-outbound', [
    { kind: 'whatsapp', externalId: WHATSAPP_PHONE_NUMBER_ID, businessAccountId: WHATSAPP_BUSINESS_ACCOUNT_ID },
    { kind: 'messenger', externalId: PAGE_ID },
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

/** Lets the customer write at `at` and returns the WhatsApp conversation's id. */
async function customerWrote(at: Date, id = `wamid.TEST-IN-${at.getTime()}`): Promise<string> {
  await postOk(server, buildCustomerText(id, 'Where is my parcel?', at));
  return (await loadOnlyConversation(server, tenant.adminToken)).id;
}

function sendMessage(input: SendMessageInput) {
  return graphqlRequest(server.graphqlUrl, SendMessageDocument, { input }, tenant.adminToken);
}

/** Returns the one request the fake received; fails when there were none or several. */
function onlyRequest() {
  expect(fake.requests).toHaveLength(1);
  return fake.requests[0]!;
}

async function waitForRequests(count: number): Promise<void> {
  for (let attempt = 0; attempt < 200 && fake.requests.length < count; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(fake.requests).toHaveLength(count);
}

describe('WhatsApp text reply', () => {
  it('posts the text body with a bearer token', async () => {
    const conversationId = await customerWrote(new Date());
    fake.queueMessageId('wamid.TEST-OUT-TEXT-1');

    const response = await sendMessage({ conversationId, text: '  Your parcel left today.  ' });

    const sent = response.data!.sendMessage;
    const request = onlyRequest();
    expect(request.method).toBe('POST');
    expect(request.path).toBe(MESSAGES_PATH);
    expect(request.headers.authorization).toBe(`Bearer ${PAGE_TOKEN}`);
    expect(request.query).toEqual({});
    expect(request.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: WHATSAPP_CUSTOMER_ID,
      biz_opaque_callback_data: `parley:${Buffer.from(sent.id, 'base64url').toString('utf8').split(':')[1]}`,
      type: 'text',
      text: { body: 'Your parcel left today.' },
    });
    expect(sent.status).toBe('SENT');
    expect(sent.providerMessageId).toBe('wamid.TEST-OUT-TEXT-1');
    expect(sent.text).toBe('Your parcel left today.');
    expect(sent.authorKind).toBe('AGENT');
  });

  it('rejects text over 4096 characters before calling Meta', async () => {
    const conversationId = await customerWrote(new Date());

    const response = await sendMessage({ conversationId, text: 'x'.repeat(4_097) });

    expect(response.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', length: 4_097, maxLength: 4_096 });
    expect(fake.requests).toEqual([]);
  });
});

describe('WhatsApp media reply', () => {
  const mediaCases = [
    {
      attachment: { type: 'IMAGE' as const, url: 'https://cdn.example.test/labels/return-label.png', caption: 'Your return label' },
      body: { type: 'image', image: { link: 'https://cdn.example.test/labels/return-label.png', caption: 'Your return label' } },
      stored: { text: 'Your return label', attachments: [{ type: 'image', url: 'https://cdn.example.test/labels/return-label.png' }] },
    },
    {
      attachment: { type: 'DOCUMENT' as const, url: 'https://cdn.example.test/invoices/1001.pdf', caption: 'Invoice 1001' },
      body: { type: 'document', document: { link: 'https://cdn.example.test/invoices/1001.pdf', caption: 'Invoice 1001' } },
      stored: { text: 'Invoice 1001', attachments: [{ type: 'file', url: 'https://cdn.example.test/invoices/1001.pdf' }] },
    },
    {
      attachment: { type: 'VIDEO' as const, url: 'https://cdn.example.test/howto/assembly.mp4' },
      body: { type: 'video', video: { link: 'https://cdn.example.test/howto/assembly.mp4' } },
      stored: { text: null, attachments: [{ type: 'video', url: 'https://cdn.example.test/howto/assembly.mp4' }] },
    },
    {
      attachment: { type: 'AUDIO' as const, url: 'https://cdn.example.test/voice/greeting.ogg' },
      body: { type: 'audio', audio: { link: 'https://cdn.example.test/voice/greeting.ogg' } },
      stored: { text: null, attachments: [{ type: 'audio', url: 'https://cdn.example.test/voice/greeting.ogg' }] },
    },
  ];

  it.each(mediaCases)('sends $attachment.type by link', async ({ attachment, body, stored }) => {
    const conversationId = await customerWrote(new Date());
    fake.queueMessageId('wamid.TEST-OUT-MEDIA-1');

    const response = await sendMessage({ conversationId, attachments: [attachment] });

    expect(response.errors).toBeUndefined();
    expect(onlyRequest().body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: WHATSAPP_CUSTOMER_ID,
      biz_opaque_callback_data: expect.stringMatching(/^parley:[0-9a-f-]{36}$/),
      ...body,
    });
    expect(response.data?.sendMessage.status).toBe('SENT');
    expect(response.data?.sendMessage.text).toBe(stored.text);
    const row = await loadStoredMessage(server, 'wamid.TEST-OUT-MEDIA-1');
    expect(row.attachments).toEqual(stored.attachments);
  });

  const invalidCases = [
    {
      name: 'audio with a caption',
      input: { attachments: [{ type: 'AUDIO' as const, url: 'https://cdn.example.test/a.ogg', caption: 'Listen' }] },
      message: 'attachments[0] is audio, which takes no caption; send the text as a separate message.',
    },
    {
      name: 'two attachments',
      input: {
        attachments: [
          { type: 'IMAGE' as const, url: 'https://cdn.example.test/1.png' },
          { type: 'IMAGE' as const, url: 'https://cdn.example.test/2.png' },
        ],
      },
      message: 'A whatsapp message carries at most 1 attachment; send the others as separate messages.',
    },
    {
      name: 'text beside an attachment',
      input: { text: 'Here it is', attachments: [{ type: 'IMAGE' as const, url: 'https://cdn.example.test/1.png' }] },
      message: 'A message with an attachment carries no separate text; put the text in the caption or send it as its own message.',
    },
    {
      name: 'a URL that is not http',
      input: { attachments: [{ type: 'DOCUMENT' as const, url: 'ftp://files.example.test/1.pdf' }] },
      message: 'attachments[0].url must start with https:// or http://; the provider downloads the file from it.',
    },
    {
      name: 'no text and no attachment',
      input: { text: '   ' },
      message: 'The message is empty; send text or an attachment.',
    },
  ];

  it.each(invalidCases)('rejects $name before calling Meta', async ({ input, message }) => {
    const conversationId = await customerWrote(new Date());

    const response = await sendMessage({ conversationId, ...input });

    expect(response.errors?.[0]?.message).toBe(message);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(fake.requests).toEqual([]);
    expect(await countRows(server, 'messages')).toBe(1);
  });

  it('rejects attachments on Messenger', async () => {
    await postFixtureOk(server, 'messenger-text');
    const conversation = await loadOnlyConversation(server, tenant.adminToken, 'MESSENGER');

    const response = await sendMessage({
      conversationId: conversation.id,
      attachments: [{ type: 'IMAGE', url: 'https://cdn.example.test/1.png' }],
    });

    expect(response.errors?.[0]?.message).toBe('Parley sends no attachments on messenger channels yet; send the link as text.');
    expect(fake.requests).toEqual([]);
  });
});

describe('WhatsApp reply window', () => {
  it('is 24 hours after the latest customer message', async () => {
    const wroteAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 2 * HOUR_MS);
    await customerWrote(wroteAt);

    const conversation = await loadOnlyConversation(server, tenant.adminToken);
    expect(conversation.replyWindowClosesAt).toBe(new Date(wroteAt.getTime() + 24 * HOUR_MS).toISOString());
  });

  it('is null on Messenger', async () => {
    await postFixtureOk(server, 'messenger-text');

    expect((await loadOnlyConversation(server, tenant.adminToken, 'MESSENGER')).replyWindowClosesAt).toBeNull();
  });

  it('rejects a reply after it closed without calling Meta', async () => {
    const wroteAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 25 * HOUR_MS);
    const conversationId = await customerWrote(wroteAt);
    const closedAt = new Date(wroteAt.getTime() + 24 * HOUR_MS).toISOString();

    const response = await sendMessage({ conversationId, text: 'Sorry for the late answer' });

    expect(response.data).toBeNull();
    expect(response.errors?.[0]?.message).toBe(
      `The WhatsApp reply window closed at ${closedAt}, 24 hours after the contact's last message. ` +
        'Send an approved template with sendTemplate, or wait for the contact to write again.',
    );
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'REPLY_WINDOW_CLOSED', replyWindowClosedAt: closedAt });
    expect(fake.requests).toEqual([]);
    expect(await countRows(server, 'messages')).toBe(1);
  });

  it('opens again when the customer writes', async () => {
    await customerWrote(new Date(Date.now() - 25 * HOUR_MS), 'wamid.TEST-IN-OLD');
    const conversationId = await customerWrote(new Date(), 'wamid.TEST-IN-NEW');

    const response = await sendMessage({ conversationId, text: 'Thanks for writing back' });

    expect(response.data?.sendMessage.status).toBe('SENT');
    expect(fake.requests).toHaveLength(1);
  });
});

describe('WhatsApp template', () => {
  const components = [{ type: 'body', parameters: [{ type: 'text', text: 'Ada' }, { type: 'text', text: '1001' }] }];

  it('posts the template after the window closed', async () => {
    const conversationId = await customerWrote(new Date(Date.now() - 48 * HOUR_MS));
    fake.queueMessageId('wamid.TEST-OUT-TEMPLATE-1');

    const data = await graphqlData(
      server.graphqlUrl,
      SendTemplateDocument,
      { input: { conversationId, name: 'order_update', languageCode: 'en_US', components } },
      tenant.adminToken,
    );

    const request = onlyRequest();
    expect(request.path).toBe(MESSAGES_PATH);
    expect(request.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: WHATSAPP_CUSTOMER_ID,
      biz_opaque_callback_data: expect.stringMatching(/^parley:[0-9a-f-]{36}$/),
      type: 'template',
      template: { name: 'order_update', language: { code: 'en_US' }, components },
    });
    expect(data.sendTemplate.status).toBe('SENT');
    expect(data.sendTemplate.providerMessageId).toBe('wamid.TEST-OUT-TEMPLATE-1');
    expect(data.sendTemplate.text).toBeNull();
    expect(data.sendTemplate.attachments.map((item) => [item.type, item.title])).toEqual([['template', 'order_update']]);
    expect(data.sendTemplate.metadata).toEqual({ template: { name: 'order_update', languageCode: 'en_US', components } });
  });

  it('leaves components out when there are none', async () => {
    const conversationId = await customerWrote(new Date());

    await graphqlData(
      server.graphqlUrl,
      SendTemplateDocument,
      { input: { conversationId, name: 'hello_world', languageCode: 'en_US' } },
      tenant.adminToken,
    );

    expect((onlyRequest().body as { template: unknown }).template).toEqual({ name: 'hello_world', language: { code: 'en_US' } });
  });

  it('rejects a name Meta would not accept', async () => {
    const conversationId = await customerWrote(new Date());

    const response = await graphqlRequest(
      server.graphqlUrl,
      SendTemplateDocument,
      { input: { conversationId, name: 'Order Update', languageCode: 'en_US' } },
      tenant.adminToken,
    );

    expect(response.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(fake.requests).toEqual([]);
  });

  it('rejects a Messenger conversation', async () => {
    await postFixtureOk(server, 'messenger-text');
    const conversation = await loadOnlyConversation(server, tenant.adminToken, 'MESSENGER');

    const response = await graphqlRequest(
      server.graphqlUrl,
      SendTemplateDocument,
      { input: { conversationId: conversation.id, name: 'order_update', languageCode: 'en_US' } },
      tenant.adminToken,
    );

    expect(response.errors?.[0]?.message).toBe('Templates are sent on WhatsApp channels only; this conversation is on messenger.');
    expect(fake.requests).toEqual([]);
  });
});

describe('WhatsApp errors from Meta', () => {
  const errorCases = [
    {
      error: {
        status: 400,
        code: 131047,
        message: '(#131047) Re-engagement message',
        details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      },
      stored: {
        code: '131047',
        message:
          '(#131047) Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      },
    },
    {
      error: { status: 400, code: 131026, message: '(#131026) Message undeliverable', details: 'Unable to deliver message.' },
      stored: { code: '131026', message: '(#131026) Message undeliverable: Unable to deliver message.' },
    },
    {
      error: { status: 400, code: 100, message: '(#100) Invalid parameter', details: "Param text['body'] is required" },
      stored: { code: '100', message: "(#100) Invalid parameter: Param text['body'] is required" },
    },
  ];

  it.each(errorCases)('stores code $stored.code on the FAILED message', async ({ error, stored }) => {
    const conversationId = await customerWrote(new Date());
    fake.failNext(error);

    const response = await sendMessage({ conversationId, text: 'Hello again' });

    expect(response.data?.sendMessage.status).toBe('FAILED');
    expect(response.data?.sendMessage.error).toEqual(stored);
    const messages = await loadMessages(server, tenant.adminToken, conversationId);
    expect(messages.at(-1)?.error).toEqual(stored);
  });

  it('gets code 100 for a malformed request', async () => {
    const response = await fetch(`${fake.url}/${WHATSAPP_PHONE_NUMBER_ID}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PAGE_TOKEN}` },
      body: JSON.stringify({ messaging_product: 'whatsapp', to: WHATSAPP_CUSTOMER_ID, type: 'text', text: {} }),
    });
    const body = (await response.json()) as { error: Record<string, unknown> };

    expect(response.status).toBe(400);
    expect(body.error).toMatchObject({
      message: '(#100) Invalid parameter',
      type: 'OAuthException',
      code: 100,
      error_data: { messaging_product: 'whatsapp', details: "Param text['body'] is required" },
    });
  });
});

describe('WhatsApp read receipt', () => {
  it('marks the latest customer message read', async () => {
    await customerWrote(new Date(), 'wamid.TEST-IN-FIRST');
    const conversationId = await customerWrote(new Date(), 'wamid.TEST-IN-LATEST');

    const data = await graphqlData(server.graphqlUrl, MarkConversationReadDocument, { conversationId }, tenant.adminToken);

    expect(data.markConversationRead.unreadCount).toBe(0);
    await waitForRequests(1);
    const request = fake.requests[0]!;
    expect(request.path).toBe(MESSAGES_PATH);
    expect(request.headers.authorization).toBe(`Bearer ${PAGE_TOKEN}`);
    expect(request.body).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.TEST-IN-LATEST' });
  });

  it('succeeds when Meta rejects the receipt', async () => {
    const conversationId = await customerWrote(new Date());
    fake.failNext({ status: 400, code: 131009, message: '(#131009) Parameter value is not valid', details: 'Invalid message id' });

    const data = await graphqlData(server.graphqlUrl, MarkConversationReadDocument, { conversationId }, tenant.adminToken);

    expect(data.markConversationRead.unreadCount).toBe(0);
    await waitForRequests(1);
  });

  it('sends nothing on Messenger', async () => {
    await postFixtureOk(server, 'messenger-text');
    const conversation = await loadOnlyConversation(server, tenant.adminToken, 'MESSENGER');

    await graphqlData(server.graphqlUrl, MarkConversationReadDocument, { conversationId: conversation.id }, tenant.adminToken);

    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.requests).toEqual([]);
  });
});

describe('whatsappTemplates', () => {
  async function channelId(kind: 'WHATSAPP' | 'MESSENGER'): Promise<string> {
    const data = await graphqlData(server.graphqlUrl, ChannelsDocument, {}, tenant.adminToken);
    return data.channels.find((channel) => channel.kind === kind)!.id;
  }

  function buildTemplate(index: number): FakeMessageTemplate {
    return {
      name: `order_update_${index}`,
      language: 'en_US',
      status: index === 0 ? 'APPROVED' : 'PENDING',
      category: 'UTILITY',
      parameter_format: 'POSITIONAL',
      components: [{ type: 'BODY', text: 'Hello {{1}}, order {{2}} is on its way.', example: { body_text: [['Ada', '1001']] } }],
    };
  }

  it('lists every page of templates', async () => {
    fake.setMessageTemplates(WHATSAPP_BUSINESS_ACCOUNT_ID, Array.from({ length: 130 }, (_, index) => buildTemplate(index)));

    const data = await graphqlData(server.graphqlUrl, WhatsAppTemplatesDocument, { channelId: await channelId('WHATSAPP') }, tenant.adminToken);

    expect(data.whatsappTemplates).toHaveLength(130);
    expect(data.whatsappTemplates[0]).toEqual({
      name: 'order_update_0',
      language: 'en_US',
      status: 'APPROVED',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hello {{1}}, order {{2}} is on its way.', example: { body_text: [['Ada', '1001']] } }],
    });
    expect(data.whatsappTemplates[129]?.name).toBe('order_update_129');
    expect(fake.requests.map((request) => [request.method, request.path, request.query])).toEqual([
      ['GET', `/v21.0/${WHATSAPP_BUSINESS_ACCOUNT_ID}/message_templates`, { fields: 'name,language,status,category,components', limit: '100' }],
      [
        'GET',
        `/v21.0/${WHATSAPP_BUSINESS_ACCOUNT_ID}/message_templates`,
        { fields: 'name,language,status,category,components', limit: '100', after: Buffer.from('99').toString('base64url') },
      ],
    ]);
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${PAGE_TOKEN}`);
  });

  it('rejects a Messenger channel', async () => {
    const response = await graphqlRequest(server.graphqlUrl, WhatsAppTemplatesDocument, { channelId: await channelId('MESSENGER') }, tenant.adminToken);

    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(fake.requests).toEqual([]);
  });

  it('reports a Meta error as PROVIDER_ERROR', async () => {
    fake.failNext({ status: 400, code: 190, message: 'Error validating access token: Session has expired' });

    const response = await graphqlRequest(server.graphqlUrl, WhatsAppTemplatesDocument, { channelId: await channelId('WHATSAPP') }, tenant.adminToken);

    expect(response.errors?.[0]?.message).toBe('Meta did not list the templates: Error validating access token: Session has expired');
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'PROVIDER_ERROR', providerCode: '190' });
  });
});
