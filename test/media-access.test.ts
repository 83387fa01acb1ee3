import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaUrlSigner } from '../src/auth/media-url-signature.js';
import { deleteStoredMedia } from '../src/storage/delete-stored-media.js';
import { createLocalMediaStorage } from '../src/storage/local-media-storage.js';
import { mediaStorageKey } from '../src/storage/media-storage.js';
import { startFakeMediaCdn, type FakeMediaCdn } from './support/fake-media-cdn.js';
import {
  download,
  FAST_MEDIA_ENVIRONMENT,
  messengerAttachmentWebhook,
  pngBytes,
  readAttachments,
  readMediaObjects,
  waitFor,
} from './support/media.js';
import { addAgent, createTenantWithChannels, PAGE_ID, type TestTenant } from './support/tenants.js';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from './support/test-server.js';
import { postWebhook } from './support/webhooks.js';

const OTHER_PAGE_ID = '100000000000003';
const PUBLIC_URL = 'https://parley.example.test';

let server: TestServer;
let cdn: FakeMediaCdn;
let tenant: TestTenant;
let otherTenant: TestTenant;
const image = pngBytes();
const pdf = Buffer.from('%PDF-1.7\n% a test document\n%%EOF\n');
let imageId: string;
let imageRowId: string;
let imageDownloadUrl: string;
let otherImageId: string;

/** Stores an attachment through a webhook and returns its GraphQL id and signed URL once STORED. */
async function storeAttachment(owner: TestTenant, pageId: string, mid: string, type: string, file: { path: string; bytes: Buffer; contentType: string }) {
  const url = cdn.serve(file.path, { bytes: file.bytes, contentType: file.contentType });
  await postWebhook(server.url, messengerAttachmentWebhook(mid, url, type, '9000000000000001', pageId));
  const [attachment] = await waitFor(
    () => readAttachments(server, owner.adminToken, mid),
    (attachments) => attachments[0]?.storageStatus === 'STORED',
  );
  return { id: attachment!.id!, downloadUrl: attachment!.downloadUrl! };
}

/** The signed URL on the test server: PUBLIC_URL names a host the test cannot reach. */
const onTestServer = (signedUrl: string) => signedUrl.replace(PUBLIC_URL, server.url);

beforeAll(async () => {
  cdn = await startFakeMediaCdn();
  server = await startTestServer({ mediaWorker: true, environment: { ...FAST_MEDIA_ENVIRONMENT, PUBLIC_URL: `${PUBLIC_URL}/` } });
  tenant = await createTenantWithChannels(server, 'media-owner', [{ kind: 'messenger', externalId: PAGE_ID }]);
  otherTenant = await createTenantWithChannels(server, 'media-other', [{ kind: 'messenger', externalId: OTHER_PAGE_ID }]);

  const stored = await storeAttachment(tenant, PAGE_ID, 'm_access_image', 'image', { path: '/owner/image.png', bytes: image, contentType: 'image/png' });
  imageId = stored.id;
  imageDownloadUrl = stored.downloadUrl;
  imageRowId = Buffer.from(imageId, 'base64url').toString().split(':')[1]!;
  otherImageId = (await storeAttachment(otherTenant, OTHER_PAGE_ID, 'm_access_other', 'image', { path: '/other/image.png', bytes: pngBytes(), contentType: 'image/png' })).id;
});

afterAll(async () => {
  await server?.close();
  await cdn?.close();
});

describe('GET /media/:id with a bearer token', () => {
  it('serves any agent of the tenant', async () => {
    const { token } = await addAgent(server, tenant.slug, 'plain-agent', 'agent');
    const response = await download(`${server.url}/media/${imageId}`, token);

    expect(response.status).toBe(200);
    expect(response.body.equals(image)).toBe(true);
    expect(response.headers.get('content-disposition')).toBe(`inline; filename="${imageRowId}.png"`);
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
  });

  it('returns 404 to another tenant', async () => {
    const response = await download(`${server.url}/media/${imageId}`, otherTenant.adminToken);

    expect(response.status).toBe(404);
    expect(JSON.parse(response.body.toString())).toEqual({ error: `Attachment ${imageId} was not found.`, code: 'NOT_FOUND' });
    expect((await download(`${server.url}/media/${otherImageId}`, otherTenant.adminToken)).status).toBe(200);
  });

  it('returns 401 without a token', async () => {
    const response = await download(`${server.url}/media/${imageId}`);

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(JSON.parse(response.body.toString()).code).toBe('UNAUTHENTICATED');
  });

  it('returns 401 for an invalid token', async () => {
    const response = await download(`${server.url}/media/${imageId}`, `${tenant.adminToken}x`);

    expect(response.status).toBe(401);
    expect(JSON.parse(response.body.toString())).toEqual({
      error: 'The access token is invalid or expired; log in again.',
      code: 'UNAUTHENTICATED',
    });
  });

  it('returns 404 for other ids', async () => {
    const messageId = Buffer.from(`Message:${imageRowId}`).toString('base64url');

    expect((await download(`${server.url}/media/not-an-id`, tenant.adminToken)).status).toBe(404);
    expect((await download(`${server.url}/media/${messageId}`, tenant.adminToken)).status).toBe(404);
  });

  it('sends a document as a download', async () => {
    const stored = await storeAttachment(tenant, PAGE_ID, 'm_access_pdf', 'file', { path: '/owner/invoice.pdf', bytes: pdf, contentType: 'application/pdf' });
    const rowId = Buffer.from(stored.id, 'base64url').toString().split(':')[1];
    const response = await download(`${server.url}/media/${stored.id}`, tenant.adminToken);

    expect(response.status).toBe(200);
    expect(response.body.equals(pdf)).toBe(true);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${rowId}.pdf"`);
  });

  it('sends SVG as a download', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const stored = await storeAttachment(tenant, PAGE_ID, 'm_access_svg', 'image', { path: '/owner/drawing.svg', bytes: svg, contentType: 'image/svg+xml' });
    const response = await download(`${server.url}/media/${stored.id}`, tenant.adminToken);

    expect(response.headers.get('content-type')).toBe('image/svg+xml');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="[0-9a-f-]{36}\.svg"$/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('signed download URL', () => {
  const signer = createMediaUrlSigner(TEST_JWT_SECRET);
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  function signedUrl(fields: { tenant: string; mediaRowId: string; globalId: string; expires: number; signature?: string }) {
    const signature = fields.signature ?? signer.sign({ tenantId: fields.tenant, mediaId: fields.mediaRowId, expires: fields.expires });
    return `${server.url}/media/${fields.globalId}?tenant=${fields.tenant}&expires=${fields.expires}&signature=${signature}`;
  }

  it('uses PUBLIC_URL and lives 15 minutes', () => {
    const url = new URL(imageDownloadUrl);
    const lifetime = Number(url.searchParams.get('expires')) - nowSeconds();

    expect(`${url.origin}${url.pathname}`).toBe(`${PUBLIC_URL}/media/${imageId}`);
    expect(url.searchParams.get('tenant')).toBe(tenant.tenantId);
    expect(lifetime).toBeGreaterThan(15 * 60 - 5);
    expect(lifetime).toBeLessThanOrEqual(16 * 60);
  });

  it('serves without a header until expiry', async () => {
    const response = await download(onTestServer(imageDownloadUrl));
    const expires = Number(new URL(imageDownloadUrl).searchParams.get('expires'));
    const maxAge = Number(/^private, max-age=(\d+)$/.exec(response.headers.get('cache-control') ?? '')?.[1]);

    expect(response.status).toBe(200);
    expect(response.body.equals(image)).toBe(true);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(expires - nowSeconds() + 1);
  });

  it('rejects an expired URL with 403', async () => {
    const response = await download(signedUrl({ tenant: tenant.tenantId, mediaRowId: imageRowId, globalId: imageId, expires: nowSeconds() - 1 }));

    expect(response.status).toBe(403);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(JSON.parse(response.body.toString())).toEqual({
      error: "The download URL is invalid or has expired; query the attachment's downloadUrl again.",
      code: 'FORBIDDEN',
    });
  });

  it('rejects every tampered part', async () => {
    const valid = new URL(onTestServer(imageDownloadUrl));
    const signature = valid.searchParams.get('signature')!;
    const expires = Number(valid.searchParams.get('expires'));
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    const cases = {
      flippedCharacter: signedUrl({ tenant: tenant.tenantId, mediaRowId: imageRowId, globalId: imageId, expires, signature: flipped }),
      extraCharacter: signedUrl({ tenant: tenant.tenantId, mediaRowId: imageRowId, globalId: imageId, expires, signature: `${signature}!` }),
      otherTenant: signedUrl({ tenant: otherTenant.tenantId, mediaRowId: imageRowId, globalId: imageId, expires, signature }),
      laterExpiry: signedUrl({ tenant: tenant.tenantId, mediaRowId: imageRowId, globalId: imageId, expires: expires + 3600, signature }),
      otherAttachment: signedUrl({ tenant: tenant.tenantId, mediaRowId: imageRowId, globalId: otherImageId, expires, signature }),
      wrongKey: signedUrl({
        tenant: tenant.tenantId,
        mediaRowId: imageRowId,
        globalId: imageId,
        expires,
        signature: createMediaUrlSigner('another-secret-that-is-at-least-32-characters').sign({ tenantId: tenant.tenantId, mediaId: imageRowId, expires }),
      }),
      emptySignature: `${server.url}/media/${imageId}?tenant=${tenant.tenantId}&expires=${expires}&signature=`,
      missingExpiry: `${server.url}/media/${imageId}?tenant=${tenant.tenantId}&signature=${signature}`,
    };

    const statuses = Object.fromEntries(
      await Promise.all(Object.entries(cases).map(async ([name, url]) => [name, (await download(url)).status] as const)),
    );
    expect(statuses).toEqual({
      flippedCharacter: 403,
      extraCharacter: 403,
      otherTenant: 403,
      laterExpiry: 403,
      otherAttachment: 403,
      wrongKey: 403,
      emptySignature: 403,
      missingExpiry: 403,
    });
  });

  it("hides another tenant's file despite a signature", async () => {
    const otherRowId = Buffer.from(otherImageId, 'base64url').toString().split(':')[1]!;
    // Signed for the owner's tenant, so the lookup runs under the owner's tenant and RLS hides the row.
    const response = await download(signedUrl({ tenant: tenant.tenantId, mediaRowId: otherRowId, globalId: otherImageId, expires: nowSeconds() + 60 }));

    expect(response.status).toBe(404);
  });
});

describe('deleteStoredMedia', () => {
  it('deletes file, row and reference', async () => {
    const bytes = pngBytes();
    const stored = await storeAttachment(tenant, PAGE_ID, 'm_access_erased', 'image', { path: '/owner/erased.png', bytes, contentType: 'image/png' });
    const rowId = Buffer.from(stored.id, 'base64url').toString().split(':')[1]!;
    const file = path.join(server.database.dataDir, 'media', tenant.tenantId, rowId);
    expect(existsSync(file)).toBe(true);

    const result = await deleteStoredMedia(server.app, tenant.tenantId, rowId);

    expect(result.deleted).toBe(true);
    expect(result.message?.attachments).toEqual([{ type: 'image', url: `${cdn.url}/owner/erased.png`, contentType: 'image/png' }]);
    expect(existsSync(file)).toBe(false);
    expect((await readMediaObjects(server.app.db)).map((row) => row.id)).not.toContain(rowId);
    expect((await download(`${server.url}/media/${stored.id}`, tenant.adminToken)).status).toBe(404);
    expect((await download(onTestServer(stored.downloadUrl))).status).toBe(404);
    const [attachment] = await readAttachments(server, tenant.adminToken, 'm_access_erased');
    expect(attachment?.id).toBeNull();
    expect(attachment?.storageStatus).toBeNull();
  });

  it('ignores gone and foreign ids', async () => {
    const otherRowId = Buffer.from(otherImageId, 'base64url').toString().split(':')[1]!;

    expect(await deleteStoredMedia(server.app, tenant.tenantId, otherRowId)).toEqual({ deleted: false, message: undefined });
    expect((await download(`${server.url}/media/${otherImageId}`, otherTenant.adminToken)).status).toBe(200);
  });
});

describe('local media storage', () => {
  // Nothing is written: every key below is rejected before the folder is touched.
  const storage = createLocalMediaStorage(path.join(tmpdir(), 'parley-media-never-written'));

  it('builds keys only from two UUIDs', () => {
    expect(() => mediaStorageKey('..', imageRowId)).toThrow('invalid media storage key');
    expect(() => mediaStorageKey(tenant.tenantId, '../../etc/passwd')).toThrow('invalid media storage key');
    expect(mediaStorageKey(tenant.tenantId, imageRowId)).toBe(`${tenant.tenantId}/${imageRowId}`);
  });

  it('rejects keys that leave the storage folder', async () => {
    await expect(storage.get('../../etc/passwd')).rejects.toThrow('invalid media storage key');
    await expect(storage.put('/etc/parley-test', Buffer.from('x'), 'text/plain')).rejects.toThrow('invalid media storage key');
    await expect(storage.delete(`${tenant.tenantId}/../${imageRowId}`)).rejects.toThrow('invalid media storage key');
  });
});
