import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGraphApi, type FakeGraphApi } from './support/fake-graph-api.js';
import {
  createTenantWithChannels,
  PAGE_TOKEN,
  WHATSAPP_BUSINESS_ACCOUNT_ID,
  WHATSAPP_PHONE_NUMBER_ID,
  type TestTenant,
} from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { postWebhook, readFixture } from './support/webhooks.js';
import {
  buildCustomerText,
  clearInbox,
  countRows,
  firstValue,
  loadEventLog,
  loadMessages,
  loadOnlyConversation,
  loadOnlyMessage,
  loadStoredMessage,
  listConversations,
  postFixtureOk,
  postOk,
  readWhatsAppFixture,
  selectRows,
  sendAgentText,
} from './support/whatsapp.js';

// Every test starts from an empty inbox, posts WhatsApp fixtures from test/fixtures/meta and reads
// the result back over GraphQL, and from the database for fields GraphQL does not show.

let server: TestServer;
let fake: FakeGraphApi;
let tenant: TestTenant;

beforeAll(async () => {
  fake = await startFakeGraphApi();
  fake.allowToken(PAGE_TOKEN);
  server = await startTestServer({ graphApiUrl: fake.url });
  tenant = await createTenantWithChannels(server, 'whatsapp-inbound', [
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

function attachment(fields: Record<string, unknown>) {
  return { type: 'unsupported', url: null, title: null, latitude: null, longitude: null, stickerId: null, ...fields };
}

describe('WhatsApp text message', () => {
  it('stores a RECEIVED contact message', async () => {
    await postFixtureOk(server, 'whatsapp-text');

    const conversation = await loadOnlyConversation(server, tenant.adminToken);
    expect(conversation.channel.externalId).toBe(WHATSAPP_PHONE_NUMBER_ID);
    expect(conversation.kind).toBe('PRIVATE');
    expect(conversation.status).toBe('OPEN');
    expect(conversation.unreadCount).toBe(1);
    expect(conversation.contact.displayName).toBe('Test Customer');
    const [message] = await loadMessages(server, tenant.adminToken, conversation.id);
    expect(message?.text).toBe('Hello, is my order on its way?');
    expect(message?.direction).toBe('INBOUND');
    expect(message?.authorKind).toBe('CONTACT');
    expect(message?.status).toBe('RECEIVED');
    expect(message?.providerMessageId).toBe('wamid.TEST-IN-TEXT-1');
    expect(message?.sentAt).toBe('2026-03-12T10:00:00.000Z');
    expect(message?.attachments).toEqual([]);
    expect(message?.metadata).toEqual({});
  });

  it('files the contact under its wa_id', async () => {
    await postFixtureOk(server, 'whatsapp-text');

    const identities = await selectRows<{ external_id: string; profile_name: string }>(
      server,
      sql`select external_id, profile_name from contact_identities`,
    );
    expect(identities).toEqual([{ external_id: '15550100001', profile_name: 'Test Customer' }]);
  });

  it('sets last_inbound_at and the reply window', async () => {
    await postFixtureOk(server, 'whatsapp-text');

    const [row] = await selectRows<{ last_inbound_at: Date | string }>(server, sql`select last_inbound_at from conversations`);
    expect(new Date(row!.last_inbound_at).toISOString()).toBe('2026-03-12T10:00:00.000Z');
    expect((await loadOnlyConversation(server, tenant.adminToken)).replyWindowClosesAt).toBe('2026-03-13T10:00:00.000Z');
  });

  it('keeps last_inbound_at on an older message', async () => {
    await postFixtureOk(server, 'whatsapp-reply');
    await postFixtureOk(server, 'whatsapp-text');

    const conversation = await loadOnlyConversation(server, tenant.adminToken);
    expect(conversation.replyWindowClosesAt).toBe('2026-03-13T10:02:20.000Z');
  });

  it('stores nothing twice when Meta redelivers', async () => {
    await postFixtureOk(server, 'whatsapp-text');
    await postFixtureOk(server, 'whatsapp-text');

    expect(await countRows(server, 'messages')).toBe(1);
    expect(await countRows(server, 'contacts')).toBe(1);
    expect((await loadEventLog(server)).map((event) => event.kind)).toEqual(['opened', 'message_received']);
  });

  it('leaves the name empty without a profile', async () => {
    await postFixtureOk(server, 'whatsapp-contact-without-profile');

    const conversation = await loadOnlyConversation(server, tenant.adminToken);
    expect(conversation.contact.displayName).toBeNull();
    const [message] = await loadMessages(server, tenant.adminToken, conversation.id);
    expect(message?.text).toBe('Hi, no name here');
    const identities = await selectRows<{ external_id: string }>(server, sql`select external_id from contact_identities`);
    expect(identities).toEqual([{ external_id: '15550100002' }]);
  });

  it('keeps the replied-to message id from context', async () => {
    await postFixtureOk(server, 'whatsapp-text');
    await postFixtureOk(server, 'whatsapp-reply');

    const conversation = await loadOnlyConversation(server, tenant.adminToken);
    const messages = await loadMessages(server, tenant.adminToken, conversation.id);
    expect(messages.map((message) => message.text)).toEqual(['Hello, is my order on its way?', 'Yes, that one']);
    expect(messages[1]?.metadata).toEqual({ replyToProviderMessageId: 'wamid.TEST-IN-TEXT-1' });
  });

  it('keeps the ad referral in metadata', async () => {
    await postFixtureOk(server, 'whatsapp-referral');

    const message = await loadOnlyMessage(server, tenant.adminToken);
    expect(message.text).toBe('I saw your ad');
    expect(message.metadata).toEqual({
      referral: {
        source_url: 'https://ads.example.test/spring-sale',
        source_id: '800000000000001',
        source_type: 'ad',
        headline: 'Spring sale',
        body: 'Up to 30% off jackets',
        media_type: 'image',
        image_url: 'https://cdn.example.test/ads/spring-sale.jpg',
        ctwa_clid: 'TEST-CTWA-CLID-1',
      },
    });
  });
});

describe('WhatsApp media message', () => {
  const mediaCases = [
    {
      fixture: 'whatsapp-image',
      providerMessageId: 'wamid.TEST-IN-IMAGE-1',
      text: 'The box arrived damaged',
      stored: [{ type: 'image', providerMediaId: '700000000000101', contentType: 'image/jpeg' }],
      metadata: {},
    },
    {
      fixture: 'whatsapp-audio',
      providerMessageId: 'wamid.TEST-IN-AUDIO-1',
      text: null,
      stored: [{ type: 'audio', providerMediaId: '700000000000102', contentType: 'audio/mpeg' }],
      metadata: {},
    },
    {
      fixture: 'whatsapp-voice',
      providerMessageId: 'wamid.TEST-IN-VOICE-1',
      text: null,
      stored: [{ type: 'audio', providerMediaId: '700000000000103', contentType: 'audio/ogg; codecs=opus', isVoiceNote: true }],
      metadata: {},
    },
    {
      fixture: 'whatsapp-video',
      providerMessageId: 'wamid.TEST-IN-VIDEO-1',
      text: 'Unboxing',
      stored: [{ type: 'video', providerMediaId: '700000000000104', contentType: 'video/mp4' }],
      metadata: { forwarded: true },
    },
    {
      fixture: 'whatsapp-document',
      providerMessageId: 'wamid.TEST-IN-DOCUMENT-1',
      text: 'My invoice',
      stored: [{ type: 'file', providerMediaId: '700000000000105', contentType: 'application/pdf', title: 'invoice-1001.pdf' }],
      metadata: {},
    },
    {
      fixture: 'whatsapp-sticker',
      providerMessageId: 'wamid.TEST-IN-STICKER-1',
      text: null,
      stored: [{ type: 'sticker', providerMediaId: '700000000000106', contentType: 'image/webp' }],
      metadata: {},
    },
  ];

  it.each(mediaCases)('stores $fixture with its media id', async ({ fixture, providerMessageId, text, stored, metadata }) => {
    await postFixtureOk(server, fixture);

    const row = await loadStoredMessage(server, providerMessageId);
    // Each media attachment also points at its queued copy in Parley's storage.
    expect(row.attachments).toEqual(
      stored.map((attachment) => ({ ...attachment, mediaId: expect.stringMatching(/^[0-9a-f-]{36}$/), storageStatus: 'pending', storageAttempts: 0 })),
    );
    expect(row.metadata).toEqual(metadata);
    const message = await loadOnlyMessage(server, tenant.adminToken);
    expect(message.text).toBe(text);
    expect(message.status).toBe('RECEIVED');
    expect(message.attachments.map((item) => item.type)).toEqual(stored.map((item) => item.type));
  });

  it('downloads nothing itself', async () => {
    await postFixtureOk(server, 'whatsapp-image');

    expect(fake.requests).toEqual([]);
  });
});

describe('WhatsApp location and contacts', () => {
  it('stores a location with its name and address as title', async () => {
    await postFixtureOk(server, 'whatsapp-location');

    const message = await loadOnlyMessage(server, tenant.adminToken);
    expect(message.text).toBeNull();
    expect(message.attachments).toEqual([
      attachment({
        type: 'location',
        latitude: 52.3676,
        longitude: 4.9041,
        title: 'Pickup point, 1 Example Street, Amsterdam',
        url: 'https://maps.example.test/pickup-point',
      }),
    ]);
  });

  it('stores shared contacts as contact attachments with their cards', async () => {
    await postFixtureOk(server, 'whatsapp-contacts');

    const message = await loadOnlyMessage(server, tenant.adminToken);
    expect(message.attachments).toEqual([attachment({ type: 'contact', title: 'Alex Example' }), attachment({ type: 'contact', title: 'Sam' })]);
    const cards = firstValue(readWhatsAppFixture('whatsapp-contacts')).messages![0]!.contacts;
    expect(message.metadata).toEqual({ sharedContacts: cards });
  });
});

describe('WhatsApp replies to buttons', () => {
  it('stores an interactive button reply with its id', async () => {
    await postFixtureOk(server, 'whatsapp-interactive-button-reply');

    const message = await loadOnlyMessage(server, tenant.adminToken);
    expect(message.text).toBe('Track my order');
    expect(message.metadata).toEqual({
      interactiveReply: { type: 'button_reply', id: 'track-order', title: 'Track my order' },
      replyToProviderMessageId: 'wamid.TEST-OUT-BUTTONS-1',
    });
  });

  it('stores a list reply with its description', async () => {
    await postFixtureOk(server, 'whatsapp-interactive-list-reply');

    const message = await loadOnlyMessage(server, tenant.adminToken);
    expect(message.text).toBe('Size M');
    expect(message.metadata).toEqual({
      interactiveReply: { type: 'list_reply', id: 'size-m', title: 'Size M', description: 'Chest 96 to 101 cm' },
      replyToProviderMessageId: 'wamid.TEST-OUT-LIST-1',
    });
  });

  it('stores a template quick-reply button with its payload', async () => {
    await postFixtureOk(server, 'whatsapp-template-button');

    const message = await loadOnlyMessage(server, tenant.adminToken);
    expect(message.text).toBe('Stop promotions');
    expect(message.metadata).toEqual({
      quickReplyPayload: 'STOP_PROMOTIONS',
      replyToProviderMessageId: 'wamid.TEST-OUT-TEMPLATE-1',
    });
  });
});

describe('WhatsApp message Parley cannot read', () => {
  it('stores type unsupported with Meta reason', async () => {
    await postFixtureOk(server, 'whatsapp-unsupported');

    const conversation = await loadOnlyConversation(server, tenant.adminToken);
    expect(conversation.unreadCount).toBe(1);
    const [message] = await loadMessages(server, tenant.adminToken, conversation.id);
    expect(message?.text).toBeNull();
    expect(message?.status).toBe('RECEIVED');
    expect(message?.attachments).toEqual([
      attachment({ type: 'unsupported', title: 'Message type unknown: Message type is currently not supported.' }),
    ]);
    expect(message?.metadata).toEqual({
      unsupportedType: 'poll',
      providerErrors: [{ code: '131051', message: 'Message type unknown: Message type is currently not supported.' }],
    });
  });

  it('stores type unknown with the older error shape', async () => {
    await postFixtureOk(server, 'whatsapp-unknown-type');

    const message = await loadOnlyMessage(server, tenant.adminToken);
    expect(message.providerMessageId).toBe('wamid.TEST-IN-UNKNOWN-1');
    expect(message.attachments).toEqual([
      attachment({ type: 'unsupported', title: 'Unsupported message type: Message type is not currently supported' }),
    ]);
    expect(message.metadata).toEqual({
      unsupportedType: 'unknown',
      providerErrors: [{ code: '131051', message: 'Unsupported message type: Message type is not currently supported' }],
    });
  });

  it('stores a message without content as unsupported', async () => {
    await postFixtureOk(server, 'whatsapp-interactive-without-object');

    const message = await loadOnlyMessage(server, tenant.adminToken);
    expect(message.attachments).toEqual([attachment({ type: 'unsupported', title: 'Something went wrong: Unsupported webhook payload' })]);
    expect(message.metadata).toEqual({
      unsupportedType: 'interactive',
      providerErrors: [{ code: '131000', message: 'Something went wrong: Unsupported webhook payload' }],
      replyToProviderMessageId: 'wamid.TEST-OUT-BUTTONS-1',
    });
  });

  it('stores an unknown type with its own reason', async () => {
    const body = readWhatsAppFixture('whatsapp-text');
    firstValue(body).messages = [
      { from: '15550100001', id: 'wamid.TEST-IN-ORDER-1', timestamp: '1773309600', type: 'order', order: { catalog_id: '1' } },
    ];
    await postOk(server, body);

    const message = await loadOnlyMessage(server, tenant.adminToken);
    expect(message.attachments).toEqual([attachment({ type: 'unsupported', title: 'message type "order" is not supported' })]);
    expect(message.metadata).toEqual({ unsupportedType: 'order' });
  });
});

describe('WhatsApp reaction', () => {
  it('sets and removes a reaction on a reply', async () => {
    fake.queueMessageId('wamid.TEST-OUT-1');
    const { conversationId, sent } = await sendAgentText(server, tenant.adminToken, 'Your parcel left today.');
    expect(sent.providerMessageId).toBe('wamid.TEST-OUT-1');

    await postFixtureOk(server, 'whatsapp-reaction');
    const reacted = (await loadMessages(server, tenant.adminToken, conversationId)).find((message) => message.id === sent.id);
    expect(reacted?.reaction).toBe('\u{1F44D}');

    await postFixtureOk(server, 'whatsapp-reaction-removed');
    const cleared = (await loadMessages(server, tenant.adminToken, conversationId)).find((message) => message.id === sent.id);
    expect(cleared?.reaction).toBeNull();
    expect(await countRows(server, 'messages')).toBe(2);
  });

  it('applies a reaction that overtook its message', async () => {
    await postFixtureOk(server, 'whatsapp-reaction');
    expect(await countRows(server, 'pending_message_updates')).toBe(1);

    fake.queueMessageId('wamid.TEST-OUT-1');
    const { sent } = await sendAgentText(server, tenant.adminToken, 'Your parcel left today.');

    expect(sent.reaction).toBe('\u{1F44D}');
    expect(await countRows(server, 'pending_message_updates')).toBe(0);
  });
});

describe('WhatsApp webhook batches', () => {
  it('opens one conversation per customer', async () => {
    await postFixtureOk(server, 'whatsapp-batch');

    const conversations = await listConversations(server, tenant.adminToken);
    expect(conversations.map((conversation) => conversation.contact.displayName).sort()).toEqual(['Second Customer', 'Test Customer']);
    expect(conversations.map((conversation) => conversation.lastMessage?.text).sort()).toEqual(['First customer here', 'Second customer here']);
    expect(await countRows(server, 'messages')).toBe(2);
  });

  it('acknowledges an unknown phone number', async () => {
    const response = await postWebhook(server.url, readFixture('whatsapp-unknown-phone-number'));

    expect(response.status).toBe(200);
    expect(await countRows(server, 'messages')).toBe(0);
  });

  it('rejects a forged signature', async () => {
    const response = await postWebhook(server.url, buildCustomerText('wamid.TEST-IN-FORGED-1', 'hi', new Date()), 'sha256=00');

    expect(response.status).toBe(401);
    expect(await countRows(server, 'messages')).toBe(0);
  });
});
