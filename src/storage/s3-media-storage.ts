import type { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { MediaStorageConfig } from '../config/config.js';
import { assertValidStorageKey, type MediaStorage } from './media-storage.js';

type S3Config = Extract<MediaStorageConfig, { kind: 's3' }>;

const isMissingObject = (error: unknown) =>
  error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404);

/** Keeps files in an S3 bucket or an S3-compatible service (MinIO, Ceph, R2 and others). */
export function createS3MediaStorage(config: S3Config): MediaStorage {
  const client = new S3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
    forcePathStyle: config.forcePathStyle,
    // Since @aws-sdk/client-s3 3.729 the SDK adds CRC32 checksum headers to every upload by
    // default, and some S3-compatible services reject them. Send checksums only where S3 needs them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
  });

  return {
    kind: 's3',

    async put(key, body, contentType) {
      await client.send(
        new PutObjectCommand({
          Bucket: config.bucket,
          Key: assertValidStorageKey(key),
          Body: body,
          ContentType: contentType,
          ContentLength: body.length,
        }),
      );
    },

    async get(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: config.bucket, Key: assertValidStorageKey(key) }));
        if (!object.Body) return undefined;
        // In Node.js the SDK returns the body as an IncomingMessage, which is a Readable.
        return { body: object.Body as Readable, byteSize: object.ContentLength };
      } catch (error) {
        if (isMissingObject(error)) return undefined;
        throw error;
      }
    },

    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: assertValidStorageKey(key) }));
    },

    close() {
      client.destroy();
    },
  };
}
