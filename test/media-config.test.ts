import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.js';

const S3_ENVIRONMENT = {
  S3_BUCKET: 'parley-media',
  S3_REGION: 'eu-west-1',
  S3_ENDPOINT: 'http://127.0.0.1:9000/',
  S3_ACCESS_KEY_ID: 'access-key',
  S3_SECRET_ACCESS_KEY: 'secret-key',
  S3_FORCE_PATH_STYLE: 'true',
};

function problemsOf(environment: Record<string, string>): string[] {
  try {
    loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('media configuration', () => {
  it('defaults to a folder under DATA_DIR', () => {
    const config = loadConfig({ DATA_DIR: './some-data' });

    expect(config.media).toEqual({
      storage: { kind: 'local', folder: path.resolve('./some-data', 'media') },
      maxBytes: 26_214_400,
      downloadTimeoutMs: 30_000,
      maxAttempts: 6,
      retryBaseDelayMs: 30_000,
      retryMaxDelayMs: 3_600_000,
      pollIntervalMs: 2_000,
      concurrency: 2,
      downloadUrlTtlSeconds: 900,
    });
    expect(config.publicUrl).toBe('http://localhost:4000');
  });

  it('reads a complete S3 configuration', () => {
    const config = loadConfig({ ...S3_ENVIRONMENT, PUBLIC_URL: 'https://parley.example.test/' });

    expect(config.media.storage).toEqual({
      kind: 's3',
      bucket: 'parley-media',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:9000',
      credentials: { accessKeyId: 'access-key', secretAccessKey: 'secret-key' },
      forcePathStyle: true,
    });
    expect(config.publicUrl).toBe('https://parley.example.test');
  });

  it('leaves credentials to the SDK', () => {
    const config = loadConfig({ S3_BUCKET: 'parley-media', S3_REGION: 'us-east-1' });

    expect(config.media.storage).toEqual({
      kind: 's3',
      bucket: 'parley-media',
      region: 'us-east-1',
      endpoint: undefined,
      credentials: undefined,
      forcePathStyle: false,
    });
  });

  it('names every S3 variable set without S3_BUCKET', () => {
    expect(problemsOf({ S3_ENDPOINT: 'http://127.0.0.1:9000', S3_REGION: 'eu-west-1' })).toEqual([
      'S3_REGION: is set but S3_BUCKET is not; set S3_BUCKET to store attachments in a bucket, or unset S3_REGION',
      'S3_ENDPOINT: is set but S3_BUCKET is not; set S3_BUCKET to store attachments in a bucket, or unset S3_ENDPOINT',
    ]);
  });

  it('reports every problem at once, one message each', () => {
    expect(
      problemsOf({
        S3_BUCKET: 'parley-media',
        S3_ACCESS_KEY_ID: 'access-key',
        S3_ENDPOINT: 'ftp://storage.example.test',
        S3_FORCE_PATH_STYLE: 'yes',
        MEDIA_MAX_BYTES: '0',
      }),
    ).toEqual([
      'MEDIA_MAX_BYTES: Too small: expected number to be >0',
      'S3_ENDPOINT: must be a URL starting with http:// or https://',
      'S3_FORCE_PATH_STYLE: must be true or false',
      "S3_REGION: required with S3_BUCKET; use the bucket's region, such as us-east-1",
      'S3_SECRET_ACCESS_KEY: required with S3_ACCESS_KEY_ID',
    ]);
  });

  it('rejects a secret without key id', () => {
    expect(problemsOf({ S3_BUCKET: 'parley-media', S3_REGION: 'eu-west-1', S3_SECRET_ACCESS_KEY: 'secret-key' })).toEqual([
      'S3_ACCESS_KEY_ID: required with S3_SECRET_ACCESS_KEY',
    ]);
  });

  it('rejects a cap below the base delay', () => {
    expect(problemsOf({ MEDIA_RETRY_BASE_DELAY_MS: '60000', MEDIA_RETRY_MAX_DELAY_MS: '1000' })).toEqual([
      'MEDIA_RETRY_MAX_DELAY_MS: must be at least MEDIA_RETRY_BASE_DELAY_MS',
    ]);
  });

  it('rejects oversized limit and bad URL', () => {
    expect(problemsOf({ MEDIA_MAX_BYTES: String(2 * 1024 * 1024 * 1024), PUBLIC_URL: 'parley.example.test' })).toEqual([
      'PUBLIC_URL: must be a URL starting with http:// or https://',
      'MEDIA_MAX_BYTES: must be at most 1073741824 (1 GiB)',
    ]);
  });
});
