import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaStorageConfig } from '../src/config/config.js';
import { createS3MediaStorage } from '../src/storage/s3-media-storage.js';
import { mediaStorageKey, type MediaStorage } from '../src/storage/media-storage.js';
import { startFakeMediaCdn, type FakeMediaCdn } from './support/fake-media-cdn.js';
import { startFakeS3, type FakeS3 } from './support/fake-s3.js';
import { download, FAST_MEDIA_ENVIRONMENT, messengerAttachmentWebhook, pngBytes, readAttachments, readMediaObjects, waitFor } from './support/media.js';
import { createTenantWithChannels, PAGE_ID } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { postWebhook } from './support/webhooks.js';

let s3: FakeS3;

beforeAll(async () => {
  s3 = await startFakeS3();
});

afterAll(async () => {
  await s3?.close();
});

function s3Config(overrides: Partial<Extract<MediaStorageConfig, { kind: 's3' }>> = {}): Extract<MediaStorageConfig, { kind: 's3' }> {
  return {
    kind: 's3',
    bucket: s3.bucket,
    region: s3.region,
    endpoint: s3.endpoint,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    forcePathStyle: true,
    ...overrides,
  };
}

async function readAll(storage: MediaStorage, key: string): Promise<Buffer | undefined> {
  const object = await storage.get(key);
  if (!object) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of object.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('S3 media storage', () => {
  const key = mediaStorageKey(randomUUID(), randomUUID());

  it('round-trips an object path-style', async () => {
    const storage = createS3MediaStorage(s3Config());
    const bytes = pngBytes();
    try {
      await storage.put(key, bytes, 'image/png');
      expect(s3.objects.get(key)?.body.equals(bytes)).toBe(true);
      expect(s3.objects.get(key)?.contentType).toBe('image/png');

      const object = await storage.get(key);
      expect(object?.byteSize).toBe(bytes.length);
      expect((await readAll(storage, key))?.equals(bytes)).toBe(true);

      await storage.delete(key);
      expect(s3.objects.has(key)).toBe(false);
      expect(s3.requests.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
        `PUT /${s3.bucket}/${key} 200`,
        `GET /${s3.bucket}/${key} 200`,
        `GET /${s3.bucket}/${key} 200`,
        `DELETE /${s3.bucket}/${key} 204`,
      ]);
    } finally {
      storage.close();
    }
  });

  it('handles a missing key', async () => {
    const storage = createS3MediaStorage(s3Config());
    try {
      const missing = mediaStorageKey(randomUUID(), randomUUID());
      expect(await storage.get(missing)).toBeUndefined();
      await expect(storage.delete(missing)).resolves.toBeUndefined();
    } finally {
      storage.close();
    }
  });

  it('fails with a wrong secret key', async () => {
    const storage = createS3MediaStorage(
      s3Config({ credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: 'not-the-secret-access-key' } }),
    );
    try {
      await expect(storage.put(mediaStorageKey(randomUUID(), randomUUID()), pngBytes(), 'image/png')).rejects.toMatchObject({
        name: 'SignatureDoesNotMatch',
      });
    } finally {
      storage.close();
    }
  });

  it('fails for an unknown bucket', async () => {
    const storage = createS3MediaStorage(s3Config({ bucket: 'no-such-bucket' }));
    try {
      await expect(storage.put(mediaStorageKey(randomUUID(), randomUUID()), pngBytes(), 'image/png')).rejects.toMatchObject({
        name: 'NoSuchBucket',
      });
    } finally {
      storage.close();
    }
  });

  it('rejects keys outside the pattern', async () => {
    const storage = createS3MediaStorage(s3Config());
    try {
      await expect(storage.get('../other-bucket/object')).rejects.toThrow('invalid media storage key');
    } finally {
      storage.close();
    }
  });
});

describe('server with an S3 bucket', () => {
  let server: TestServer;
  let cdn: FakeMediaCdn;

  beforeAll(async () => {
    cdn = await startFakeMediaCdn();
    server = await startTestServer({
      mediaWorker: true,
      environment: {
        ...FAST_MEDIA_ENVIRONMENT,
        S3_BUCKET: s3.bucket,
        S3_REGION: s3.region,
        S3_ENDPOINT: s3.endpoint,
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
        S3_FORCE_PATH_STYLE: 'true',
      },
    });
  });

  afterAll(async () => {
    await server?.close();
    await cdn?.close();
  });

  it('copies and serves through S3', async () => {
    const tenant = await createTenantWithChannels(server, 's3-tenant', [{ kind: 'messenger', externalId: PAGE_ID }]);
    const bytes = pngBytes();
    const url = cdn.serve('/v/t1.15752-9/s3.png', { bytes, contentType: 'image/png' });
    await postWebhook(server.url, messengerAttachmentWebhook('m_media_s3', url));
    const [attachment] = await waitFor(
      () => readAttachments(server, tenant.adminToken, 'm_media_s3'),
      (attachments) => attachments[0]?.storageStatus === 'STORED',
    );

    const [row] = await readMediaObjects(server.app.db);
    const key = `${tenant.tenantId}/${row?.id}`;
    expect(row?.storage_key).toBe(key);
    expect(s3.objects.get(key)?.body.equals(bytes)).toBe(true);
    expect(s3.objects.get(key)?.contentType).toBe('image/png');
    expect(existsSync(path.join(server.database.dataDir, 'media'))).toBe(false);

    cdn.expire(url);
    const response = await download(`${server.url}/media/${attachment?.id}`, tenant.adminToken);
    expect(response.status).toBe(200);
    expect(response.body.equals(bytes)).toBe(true);
    expect(response.headers.get('content-type')).toBe('image/png');
  });
});
