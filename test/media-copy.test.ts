import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MessageEvent } from '../src/channels/normalized-event.js';
import { openDatabase } from '../src/db/database.js';
import { claimDueMediaObjects } from '../src/db/queries/media-objects.js';
import * as schema from '../src/db/schema.js';
import { ingestWebhook } from '../src/ingest/ingest-webhook.js';
import { createLogger } from '../src/logger.js';
import { AttachmentStateChangedDocument, type AttachmentMediaFieldsFragment } from './generated/graphql.js';
import { startFakeGraphApi, type FakeGraphApi } from './support/fake-graph-api.js';
import { startFakeMediaCdn, type FakeMediaCdn } from './support/fake-media-cdn.js';
import { createSubscriptionClient, subscribe, waitForSubscriptions } from './support/graphql-client.js';
import {
  download,
  FAST_MEDIA_ENVIRONMENT,
  messengerAttachmentWebhook,
  pngBytes,
  readAttachments,
  readMediaObjects,
  waitFor,
} from './support/media.js';
import { createTenantWithChannels, PAGE_ID, VISITOR_ID, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { postWebhook, readFixture } from './support/webhooks.js';

const WHATSAPP_PHONE_NUMBER_ID = '200000000000001';
const WHATSAPP_TOKEN = 'whatsapp-token-for-tests';
const FIXTURE_IMAGE_URL = 'https://cdn.example.test/messenger/image/test-image-1.jpg';

let server: TestServer;
let graphApi: FakeGraphApi;
let cdn: FakeMediaCdn;
let tenant: TestTenant;

beforeAll(async () => {
  graphApi = await startFakeGraphApi();
  graphApi.allowToken(WHATSAPP_TOKEN);
  cdn = await startFakeMediaCdn();
  server = await startTestServer({
    graphApiUrl: graphApi.url,
    mediaWorker: true,
    environment: { ...FAST_MEDIA_ENVIRONMENT, MEDIA_MAX_BYTES: String(64 * 1024) },
  });
  tenant = await createTenantWithChannels(server, 'media-tenant', [
    { kind: 'messenger', externalId: PAGE_ID },
    { kind: 'whatsapp', externalId: WHATSAPP_PHONE_NUMBER_ID, accessToken: WHATSAPP_TOKEN },
  ]);
});

afterAll(async () => {
  await server?.close();
  await cdn?.close();
  await graphApi?.close();
});

beforeEach(async () => {
  await server.app.db.withSystem((tx) => tx.execute(sql`delete from contacts`));
});

/** Waits until the message's first attachment reaches `status` as agents see it over GraphQL. */
function waitForStorageStatus(providerMessageId: string, status: AttachmentMediaFieldsFragment['storageStatus']) {
  return waitFor(
    () => readAttachments(server, tenant.adminToken, providerMessageId),
    (attachments) => attachments[0]?.storageStatus === status,
  );
}

describe('Messenger image copy', () => {
  it('serves exact bytes after the URL expires', async () => {
    const bytes = pngBytes();
    const cdnUrl = cdn.serve('/v/t1.15752-9/image-1.png', { bytes, contentType: 'image/png' });
    const client = createSubscriptionClient(server.webSocketUrl, tenant.adminToken);
    const updates = subscribe(client, AttachmentStateChangedDocument, {});
    try {
      await waitForSubscriptions(server.app.eventBus, 1);
      const response = await postWebhook(server.url, readFixture('messenger-image').replace(FIXTURE_IMAGE_URL, cdnUrl));
      expect(response.status).toBe(200);

      const update = await updates.next();
      const attachment = update.data?.messageUpdated.attachments[0];
      expect(update.data?.messageUpdated.providerMessageId).toBe('m_test_image_1');
      expect(attachment?.storageStatus).toBe('STORED');
      expect(attachment?.storageAttempts).toBe(1);
      expect(attachment?.storageError).toBeNull();
      expect(attachment?.contentType).toBe('image/png');
      expect(attachment?.byteSize).toBe(bytes.length);
      expect(attachment?.url).toBe(cdnUrl);
      expect(attachment?.downloadUrl).toMatch(/^\/media\/[A-Za-z0-9_-]+\?tenant=[0-9a-f-]{36}&expires=\d+&signature=[A-Za-z0-9_-]{43}$/);
    } finally {
      updates.close();
      await client.dispose();
    }

    cdn.expire(cdnUrl);
    expect(cdn.requestsFor(cdnUrl)).toHaveLength(1);
    expect((await download(cdnUrl)).status).toBe(403);

    const [attachment] = await readAttachments(server, tenant.adminToken, 'm_test_image_1');
    const byToken = await download(`${server.url}/media/${attachment?.id}`, tenant.adminToken);
    expect(byToken.status).toBe(200);
    expect(byToken.body.equals(bytes)).toBe(true);
    expect(byToken.headers.get('content-type')).toBe('image/png');
    expect(byToken.headers.get('content-length')).toBe(String(bytes.length));
    expect(byToken.headers.get('cache-control')).toBe('private, no-store');
    expect(byToken.headers.get('x-content-type-options')).toBe('nosniff');

    const bySignedUrl = await download(`${server.url}${attachment?.downloadUrl}`);
    expect(bySignedUrl.status).toBe(200);
    expect(bySignedUrl.body.equals(bytes)).toBe(true);
    expect(bySignedUrl.headers.get('content-type')).toBe('image/png');
  });

  it('records the row and the tenant file', async () => {
    const bytes = pngBytes();
    const cdnUrl = cdn.serve('/v/t1.15752-9/image-2.png', { bytes, contentType: 'image/png' });
    await postWebhook(server.url, messengerAttachmentWebhook('m_media_row', cdnUrl));
    const [attachment] = await waitForStorageStatus('m_media_row', 'STORED');

    const [row] = await readMediaObjects(server.app.db);
    expect(row?.status).toBe('stored');
    expect(row?.attempts).toBe(1);
    expect(row?.last_error).toBeNull();
    expect(row?.source_url).toBe(cdnUrl);
    expect(row?.source_media_id).toBeNull();
    expect(row?.content_type).toBe('image/png');
    expect(row?.byte_size).toBe(bytes.length);
    expect(row?.storage_key).toBe(`${tenant.tenantId}/${row?.id}`);
    expect(Buffer.from(attachment?.id ?? '', 'base64url').toString()).toBe(`Attachment:${row?.id}`);

    const file = path.join(server.database.dataDir, 'media', tenant.tenantId, row?.id ?? '');
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('queues one copy for redeliveries', async () => {
    const cdnUrl = cdn.serve('/v/t1.15752-9/image-3.png', { bytes: pngBytes(), contentType: 'image/png' });
    const body = messengerAttachmentWebhook('m_media_redelivered', cdnUrl);
    for (let attempt = 0; attempt < 3; attempt += 1) expect((await postWebhook(server.url, body)).status).toBe(200);
    await waitForStorageStatus('m_media_redelivered', 'STORED');

    expect(await readMediaObjects(server.app.db)).toHaveLength(1);
    expect(cdn.requestsFor(cdnUrl)).toHaveLength(1);
  });

  it('skips links, locations and echoes', async () => {
    await postWebhook(server.url, readFixture('messenger-fallback'));
    await postWebhook(server.url, readFixture('messenger-location'));
    await postWebhook(server.url, readFixture('messenger-echo'));

    expect(await readMediaObjects(server.app.db)).toEqual([]);
    const [link] = await readAttachments(server, tenant.adminToken, JSON.parse(readFixture('messenger-fallback')).entry[0].messaging[0].message.mid);
    expect(link?.id).toBeNull();
    expect(link?.storageStatus).toBeNull();
    expect(link?.downloadUrl).toBeNull();
  });

  it('stores a response without Content-Length', async () => {
    const bytes = pngBytes(20_000);
    const cdnUrl = cdn.serve('/v/t1.15752-9/streamed.png', { bytes, contentType: 'image/png; charset=binary', chunked: true });
    await postWebhook(server.url, messengerAttachmentWebhook('m_media_chunked', cdnUrl));
    const [attachment] = await waitForStorageStatus('m_media_chunked', 'STORED');

    expect(attachment?.contentType).toBe('image/png');
    expect(attachment?.byteSize).toBe(bytes.length);
    expect((await download(`${server.url}/media/${attachment?.id}`, tenant.adminToken)).body.equals(bytes)).toBe(true);
  });
});

describe('unsent message', () => {
  it('deletes the stored copy', async () => {
    const cdnUrl = cdn.serve('/v/t1.15752-9/unsent.png', { bytes: pngBytes(), contentType: 'image/png' });
    await postWebhook(server.url, messengerAttachmentWebhook('m_media_unsent', cdnUrl));
    const [attachment] = await waitForStorageStatus('m_media_unsent', 'STORED');
    const [row] = await readMediaObjects(server.app.db);
    const file = path.join(server.database.dataDir, 'media', tenant.tenantId, row?.id ?? '');
    expect(existsSync(file)).toBe(true);

    const timestamp = Date.now();
    const response = await postWebhook(server.url, {
      object: 'page',
      entry: [{ id: PAGE_ID, time: timestamp, messaging: [{ sender: { id: VISITOR_ID }, recipient: { id: PAGE_ID }, timestamp, message: { mid: 'm_media_unsent', is_deleted: true } }] }],
    });

    expect(response.status).toBe(200);
    expect(existsSync(file)).toBe(false);
    expect(await readMediaObjects(server.app.db)).toEqual([]);
    expect(await readAttachments(server, tenant.adminToken, 'm_media_unsent')).toEqual([]);
    expect((await download(`${server.url}/media/${attachment?.id}`, tenant.adminToken)).status).toBe(404);
  });
});

describe('WhatsApp media id exchange', () => {
  const log = createLogger('silent');

  function whatsAppImage(providerMessageId: string, mediaId: string): MessageEvent {
    return {
      type: 'message',
      channel: { kind: 'whatsapp', externalId: WHATSAPP_PHONE_NUMBER_ID },
      direction: 'inbound',
      thread: { kind: 'private' },
      contact: { externalId: '31600000001' },
      providerMessageId,
      text: null,
      attachments: [{ type: 'image', providerMediaId: mediaId, contentType: 'image/jpeg' }],
      metadata: {},
      occurredAt: new Date(),
    };
  }

  /** Ingests a normalized WhatsApp event as a webhook would; Parley has no WhatsApp adapter yet. */
  function ingest(event: MessageEvent) {
    const deps = { db: server.app.db, bus: server.app.eventBus, storage: server.app.storage, log, onMediaQueued: () => server.app.mediaWorker.wake() };
    return ingestWebhook(deps, { events: [event], ignored: [] });
  }

  it('exchanges the id with the channel token', async () => {
    const bytes = pngBytes();
    const url = cdn.serve('/whatsapp_business/attachments/wa-1', { bytes, contentType: 'image/jpeg', bearerToken: WHATSAPP_TOKEN });
    graphApi.addWhatsAppMedia({ mediaId: '1037543291543636', phoneNumberId: WHATSAPP_PHONE_NUMBER_ID, url, mimeType: 'image/jpeg', bytes });
    graphApi.reset();

    const summary = await ingest(whatsAppImage('wamid.media.1', '1037543291543636'));
    expect(summary.mediaQueued).toBe(1);
    const [attachment] = await waitForStorageStatus('wamid.media.1', 'STORED');

    expect(graphApi.requests).toHaveLength(1);
    expect(graphApi.requests[0]?.method).toBe('GET');
    expect(graphApi.requests[0]?.path).toBe('/v21.0/1037543291543636');
    expect(graphApi.requests[0]?.query).toEqual({ phone_number_id: WHATSAPP_PHONE_NUMBER_ID });
    expect(graphApi.requests[0]?.headers.authorization).toBe(`Bearer ${WHATSAPP_TOKEN}`);
    expect(cdn.requestsFor(url).map((request) => request.authorization)).toEqual([`Bearer ${WHATSAPP_TOKEN}`]);

    const [row] = await readMediaObjects(server.app.db);
    expect(row?.source_url).toBeNull();
    expect(row?.source_media_id).toBe('1037543291543636');
    expect(attachment?.contentType).toBe('image/jpeg');
    expect((await download(`${server.url}/media/${attachment?.id}`, tenant.adminToken)).body.equals(bytes)).toBe(true);
  });

  it('rejects a SHA-256 mismatch', async () => {
    const stated = pngBytes();
    const served = pngBytes();
    const url = cdn.serve('/whatsapp_business/attachments/wa-2', { bytes: served, contentType: 'image/jpeg', bearerToken: WHATSAPP_TOKEN });
    graphApi.addWhatsAppMedia({ mediaId: '1037543291543637', phoneNumberId: WHATSAPP_PHONE_NUMBER_ID, url, mimeType: 'image/jpeg', bytes: stated });

    await ingest(whatsAppImage('wamid.media.2', '1037543291543637'));
    const [attachment] = await waitForStorageStatus('wamid.media.2', 'FAILED');

    expect(attachment?.storageAttempts).toBe(3);
    expect(attachment?.storageError).toBe("The file's SHA-256 does not match the one the provider stated.");
    expect(cdn.requestsFor(url)).toHaveLength(3);
  });

  it('retries a failing exchange', async () => {
    const bytes = pngBytes();
    const url = cdn.serve('/whatsapp_business/attachments/wa-3', { bytes, contentType: 'image/jpeg', bearerToken: 'another-token' });
    graphApi.addWhatsAppMedia({ mediaId: '1037543291543638', phoneNumberId: '200000000000999', url, mimeType: 'image/jpeg', bytes });

    await ingest(whatsAppImage('wamid.media.3', '1037543291543638'));
    const [attachment] = await waitForStorageStatus('wamid.media.3', 'FAILED');

    // The media belongs to another phone number, so Graph returns code 100 on every attempt.
    expect(attachment?.storageAttempts).toBe(3);
    expect(attachment?.storageError).toBe('The media id exchange failed with Graph API error 100 (HTTP 400).');
    expect(cdn.requestsFor(url)).toHaveLength(0);
  });
});

describe('failing downloads', () => {
  it('backs off, then ends FAILED', async () => {
    const cdnUrl = cdn.serve('/v/t1.15752-9/flaky.png', { bytes: pngBytes(), contentType: 'image/png' });
    cdn.failNext(cdnUrl, 503, 10);
    const client = createSubscriptionClient(server.webSocketUrl, tenant.adminToken);
    const updates = subscribe(client, AttachmentStateChangedDocument, {});
    const states: (AttachmentMediaFieldsFragment | undefined)[] = [];
    try {
      await waitForSubscriptions(server.app.eventBus, 1);
      await postWebhook(server.url, messengerAttachmentWebhook('m_media_failing', cdnUrl));
      for (let index = 0; index < 3; index += 1) states.push((await updates.next()).data?.messageUpdated.attachments[0]);
    } finally {
      updates.close();
      await client.dispose();
    }

    expect(states.map((state) => [state?.storageStatus, state?.storageAttempts, state?.storageError])).toEqual([
      ['PENDING', 1, 'The media URL answered HTTP 503.'],
      ['PENDING', 2, 'The media URL answered HTTP 503.'],
      ['FAILED', 3, 'The media URL answered HTTP 503.'],
    ]);
    const times = cdn.requestsFor(cdnUrl).map((request) => request.receivedAt);
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(300);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(600);

    const [attachment] = await readAttachments(server, tenant.adminToken, 'm_media_failing');
    expect(attachment?.storageStatus).toBe('FAILED');
    expect(attachment?.storageAttempts).toBe(3);
    expect(attachment?.downloadUrl).toBeNull();
    const [row] = await readMediaObjects(server.app.db);
    expect(row?.status).toBe('failed');
    expect(row?.attempts).toBe(3);
    expect(row?.last_error).toBe('The media URL answered HTTP 503.');
    expect(row?.storage_key).toBeNull();

    const response = await download(`${server.url}/media/${attachment?.id}`, tenant.adminToken);
    expect(response.status).toBe(409);
    expect(JSON.parse(response.body.toString())).toEqual({
      error: `Attachment ${attachment?.id} has no stored copy; its storageStatus is FAILED.`,
      code: 'CONFLICT',
    });

    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(cdn.requestsFor(cdnUrl)).toHaveLength(3);
  });

  it('stores the file when a retry succeeds', async () => {
    const bytes = pngBytes();
    const cdnUrl = cdn.serve('/v/t1.15752-9/recovers.png', { bytes, contentType: 'image/png' });
    cdn.failNext(cdnUrl, 500, 1);
    await postWebhook(server.url, messengerAttachmentWebhook('m_media_recovers', cdnUrl));
    const [attachment] = await waitForStorageStatus('m_media_recovers', 'STORED');

    expect(attachment?.storageAttempts).toBe(2);
    expect(attachment?.storageError).toBeNull();
    expect((await download(`${server.url}/media/${attachment?.id}`, tenant.adminToken)).body.equals(bytes)).toBe(true);
  });

  it('fails fast on a large Content-Length', async () => {
    const cdnUrl = cdn.serve('/v/t1.15752-9/large.png', { bytes: pngBytes(70_000), contentType: 'image/png' });
    await postWebhook(server.url, messengerAttachmentWebhook('m_media_large', cdnUrl));
    const [attachment] = await waitForStorageStatus('m_media_large', 'FAILED');

    expect(attachment?.storageAttempts).toBe(1);
    expect(attachment?.storageError).toBe('The file is 70000 bytes; the limit is 65536 bytes (MEDIA_MAX_BYTES).');
  });

  it('fails fast on a large stream', async () => {
    const cdnUrl = cdn.serve('/v/t1.15752-9/large-streamed.png', { bytes: pngBytes(70_000), contentType: 'image/png', chunked: true });
    await postWebhook(server.url, messengerAttachmentWebhook('m_media_large_streamed', cdnUrl));
    const [attachment] = await waitForStorageStatus('m_media_large_streamed', 'FAILED');

    expect(attachment?.storageAttempts).toBe(1);
    // How far the download got depends on how the stream was split into chunks.
    expect(attachment?.storageError).toMatch(/^The file is more than \d+ bytes; the limit is 65536 bytes \(MEDIA_MAX_BYTES\)\.$/);
  });

  it('times out a slow download', async () => {
    const cdnUrl = cdn.serve('/v/t1.15752-9/slow.png', { bytes: pngBytes(), contentType: 'image/png', delayMs: 3_000 });
    await postWebhook(server.url, messengerAttachmentWebhook('m_media_slow', cdnUrl));
    const [attachment] = await waitFor(
      () => readAttachments(server, tenant.adminToken, 'm_media_slow'),
      (attachments) => attachments[0]?.storageAttempts === 1,
    );

    expect(attachment?.storageStatus).toBe('PENDING');
    expect(attachment?.storageError).toBe('The download timed out after 2000 ms.');
  });

  it('fails an interrupted last attempt', async () => {
    const cdnUrl = cdn.serve('/v/t1.15752-9/interrupted.png', { bytes: pngBytes(), contentType: 'image/png' });
    cdn.failNext(cdnUrl, 503, 1);
    await postWebhook(server.url, messengerAttachmentWebhook('m_media_interrupted', cdnUrl));
    await waitFor(() => readMediaObjects(server.app.db), ([row]) => row?.attempts === 1 && row.last_error !== null);
    // As if a worker had claimed the last attempt and then died: attempts at the maximum, still pending, due.
    await server.app.db.withSystem((tx) => tx.execute(sql`update media_objects set attempts = 3, next_attempt_at = now()`));

    const [attachment] = await waitForStorageStatus('m_media_interrupted', 'FAILED');
    expect(attachment?.storageAttempts).toBe(4);
    expect(attachment?.storageError).toBe('The last attempt was interrupted.');
    expect(cdn.requestsFor(cdnUrl)).toHaveLength(1);
  });
});

describe('media copy worker lifecycle', () => {
  it('releases a download on shutdown', async () => {
    const stopping = await startTestServer({ environment: FAST_MEDIA_ENVIRONMENT });
    let running = true;
    try {
      const other = await createTenantWithChannels(stopping, 'stopping-tenant', [{ kind: 'messenger', externalId: PAGE_ID }]);
      const cdnUrl = cdn.serve('/v/t1.15752-9/held.png', { bytes: pngBytes(), contentType: 'image/png', delayMs: 1_500 });
      await postWebhook(stopping.url, messengerAttachmentWebhook('m_media_held', cdnUrl));
      expect((await readMediaObjects(stopping.app.db))[0]?.status).toBe('pending');

      stopping.app.mediaWorker.start();
      await waitFor(async () => cdn.requestsFor(cdnUrl).length, (count) => count === 1);
      await stopping.app.close();
      running = false;

      // Reopen the database alone to read what the stopped worker left behind.
      const reopened = await openDatabase({ databaseUrl: stopping.database.databaseUrl, dataDir: stopping.database.dataDir });
      try {
        const [row] = await readMediaObjects(reopened);
        expect(row?.status).toBe('pending');
        expect(row?.attempts).toBe(0);
        expect(row?.last_error).toBeNull();
        const messages = await reopened.withSystem((tx) => tx.select({ attachments: schema.messages.attachments }).from(schema.messages));
        expect(messages.map((message) => message.attachments)).toEqual([
          [{ type: 'image', url: cdnUrl, mediaId: row?.id, storageStatus: 'pending', storageAttempts: 0 }],
        ]);
      } finally {
        await reopened.close();
      }
      expect(existsSync(path.join(stopping.database.dataDir, 'media', other.tenantId))).toBe(false);
    } finally {
      if (running) await stopping.app.close();
      await stopping.database.drop();
    }
    // Starting a second embedded database takes most of this test's time.
  }, 60_000);

  it.skipIf(!process.env.DATABASE_URL)('claims disjoint rows without waiting', async () => {
    const idle = await startTestServer({ environment: FAST_MEDIA_ENVIRONMENT });
    try {
      await createTenantWithChannels(idle, 'claiming-tenant', [{ kind: 'messenger', externalId: PAGE_ID }]);
      for (let index = 0; index < 4; index += 1) {
        await postWebhook(idle.url, messengerAttachmentWebhook(`m_media_claim_${index}`, `${cdn.url}/claim-${index}.png`, 'image', `93000000000000${index}`));
      }

      let releaseFirst!: () => void;
      const firstHolds = new Promise<void>((resolve) => {
        releaseFirst = resolve;
      });
      let firstClaimed: string[] = [];
      const first = idle.app.db.withSystem(async (tx) => {
        firstClaimed = (await claimDueMediaObjects(tx, 2, 60_000)).map((row) => row.id);
        await firstHolds;
      });
      await waitFor(async () => firstClaimed.length, (count) => count === 2);
      // The first transaction still holds its row locks; SKIP LOCKED passes over them instead of waiting.
      const second = await idle.app.db.withSystem((tx) => claimDueMediaObjects(tx, 4, 60_000));
      releaseFirst();
      await first;

      const secondClaimed = second.map((row) => row.id);
      expect(secondClaimed).toHaveLength(2);
      expect(secondClaimed.filter((id) => firstClaimed.includes(id))).toEqual([]);
      expect((await readMediaObjects(idle.app.db)).map((row) => row.attempts)).toEqual([1, 1, 1, 1]);
    } finally {
      await idle.close();
    }
  });

  it.skipIf(!process.env.DATABASE_URL)('shares the queue between two instances', async () => {
    const first = await startTestServer({ mediaWorker: true, memoryEventBus: true, environment: FAST_MEDIA_ENVIRONMENT });
    const second = await startTestServer({ database: first.database, mediaWorker: true, memoryEventBus: true, environment: FAST_MEDIA_ENVIRONMENT });
    try {
      const shared = await createTenantWithChannels(first, 'shared-tenant', [{ kind: 'messenger', externalId: PAGE_ID }]);
      const urls = Array.from({ length: 8 }, (_, index) =>
        cdn.serve(`/v/t1.15752-9/shared-${index}.png`, { bytes: pngBytes(), contentType: 'image/png', delayMs: 100 }),
      );
      for (const [index, url] of urls.entries()) {
        await postWebhook(index % 2 === 0 ? first.url : second.url, messengerAttachmentWebhook(`m_media_shared_${index}`, url, 'image', `92000000000000${index}`));
      }

      const rows = await waitFor(() => readMediaObjects(first.app.db), (list) => list.length === 8 && list.every((row) => row.status === 'stored'));
      expect(rows.map((row) => row.attempts)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
      expect(urls.map((url) => cdn.requestsFor(url).length)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
      const [attachment] = await readAttachments(second, shared.adminToken, 'm_media_shared_3');
      expect(attachment?.storageStatus).toBe('STORED');
    } finally {
      await second.app.close();
      await first.close();
    }
  });
});
