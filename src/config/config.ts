import path from 'node:path';
import { z } from 'zod';

/** Settings read once from the environment at start; frozen so no module changes them later. */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** A postgres:// URL; absent means the embedded PGlite database under dataDir. */
  readonly databaseUrl: string | undefined;
  /** A redis:// URL; absent means the in-process event bus (one server instance only). */
  readonly redisUrl: string | undefined;
  readonly jwtSecret: string;
  /** Lifetime of an agent's access token, in seconds. */
  readonly jwtTtlSeconds: number;
  readonly metaAppSecret: string;
  readonly metaVerifyToken: string;
  /** Meta's Graph API base URL including the version, without a trailing slash. */
  readonly graphApiUrl: string;
  /** Timeout for one Graph API call, in milliseconds. */
  readonly graphApiTimeoutMs: number;
  /** Whether new Messenger contacts are named from Meta's User Profile API after ingest. */
  readonly fetchContactProfiles: boolean;
  readonly dataDir: string;
  readonly logLevel: string;
  /** NODE_ENV is "production": secrets are required and no demo data is created. */
  readonly isProduction: boolean;
  /**
   * Keys that encrypt channel secrets at rest (AES-256-GCM), from ENCRYPTION_KEYS. The first
   * encrypts; every one of them decrypts, so an old key stays listed until `parley secrets rotate`
   * has re-encrypted everything with the new one.
   */
  readonly encryptionKeys: readonly EncryptionKey[];
  /**
   * The server's public base URL without a trailing slash, used in links Parley hands out: privacy
   * policy URLs and the status page of Meta's data-deletion callback.
   */
  readonly publicUrl: string;
  /** True when PUBLIC_URL was set; without it, attachment download URLs are paths on the API's origin. */
  readonly publicUrlIsSet: boolean;
  /** Time between two runs of the retention purge inside the server, in seconds; 0 turns it off. */
  readonly retentionIntervalSeconds: number;
  readonly media: MediaConfig;
  /** True when secrets fell back to development defaults, which `npm start` warns about. */
  readonly usesDevelopmentSecrets: boolean;
}

export interface EncryptionKey {
  /** Stored in every ciphertext, so decryption can pick the matching key. */
  readonly id: string;
  /** 32 bytes. */
  readonly key: Buffer;
}

/** Storage for attachment copies: a folder on this machine, or an S3-compatible bucket. */
export type MediaStorageConfig =
  | { readonly kind: 'local'; readonly folder: string }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      readonly region: string;
      /** Endpoint of an S3-compatible service; absent means AWS S3 itself. */
      readonly endpoint: string | undefined;
      /** Absent means the AWS SDK's default credential chain (environment, profile, instance role). */
      readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
      /** Addresses objects as <endpoint>/<bucket>/<key>, as most S3-compatible services expect. */
      readonly forcePathStyle: boolean;
    };

/** Settings for copying inbound attachments into Parley's storage and serving them to agents. */
export interface MediaConfig {
  readonly storage: MediaStorageConfig;
  /** Largest file the copy job downloads, in bytes. */
  readonly maxBytes: number;
  /** Timeout of one download, including the WhatsApp media id exchange, in milliseconds. */
  readonly downloadTimeoutMs: number;
  /** Downloads tried before a copy is marked failed. */
  readonly maxAttempts: number;
  /** Wait before the first retry, in milliseconds; it doubles with every further attempt. */
  readonly retryBaseDelayMs: number;
  /** Maximum wait between two attempts, in milliseconds. */
  readonly retryMaxDelayMs: number;
  /** How often the copy worker looks for due copies, in milliseconds. */
  readonly pollIntervalMs: number;
  /** Copies one worker downloads at the same time. */
  readonly concurrency: number;
  /** Lifetime of a signed download URL, in seconds. */
  readonly downloadUrlTtlSeconds: number;
}

const DEVELOPMENT_JWT_SECRET = 'parley-development-jwt-secret-change-me';
const DEVELOPMENT_APP_SECRET = 'parley-development-app-secret';
const DEVELOPMENT_VERIFY_TOKEN = 'parley-development-verify-token';
// Public on purpose: it only lets a development database start; production must set its own keys.
const DEVELOPMENT_ENCRYPTION_KEYS = 'dev:cGFybGV5LWRldi1lbmNyeXB0aW9uLWtleS1wdWJsaWM=';

// One message for either problem, so a value such as "localhost:5432" is reported once.
const urlWithScheme = (schemes: string[]) =>
  z.string().refine((value) => URL.canParse(value) && schemes.some((scheme) => value.startsWith(`${scheme}://`)), {
    message: `must be a URL starting with ${schemes.map((scheme) => `${scheme}://`).join(' or ')}`,
  });

const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  // Loopback unless HOST is set, because the development defaults are not secret.
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: urlWithScheme(['postgres', 'postgresql']).optional(),
  REDIS_URL: urlWithScheme(['redis', 'rediss']).optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_TTL_SECONDS: z.coerce.number().int().positive().default(12 * 60 * 60),
  META_APP_SECRET: z.string().min(1).optional(),
  META_VERIFY_TOKEN: z.string().min(1).optional(),
  GRAPH_API_URL: urlWithScheme(['http', 'https']).default('https://graph.facebook.com/v21.0'),
  GRAPH_API_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  FETCH_CONTACT_PROFILES: z.enum(['true', 'false']).optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ENCRYPTION_KEYS: z.string().optional(),
  PUBLIC_URL: urlWithScheme(['http', 'https'])
    .refine((value) => !/[?#]/.test(value), { message: 'must not contain a query or fragment' })
    .optional(),
  RETENTION_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60 * 60),
  NODE_ENV: z.string().optional(),
  // A copy is held in memory while it is downloaded and stored, so the limit stays well below the heap.
  MEDIA_MAX_BYTES: z.coerce.number().int().positive().max(1024 * 1024 * 1024, 'must be at most 1073741824 (1 GiB)').default(25 * 1024 * 1024),
  MEDIA_DOWNLOAD_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  MEDIA_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(6),
  MEDIA_RETRY_BASE_DELAY_MS: z.coerce.number().int().nonnegative().default(30_000),
  MEDIA_RETRY_MAX_DELAY_MS: z.coerce.number().int().nonnegative().default(60 * 60 * 1000),
  MEDIA_POLL_INTERVAL_MS: z.coerce.number().int().positive().default(2_000),
  MEDIA_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  MEDIA_URL_TTL_SECONDS: z.coerce.number().int().min(10).max(7 * 24 * 60 * 60).default(15 * 60),
  S3_BUCKET: z.string().min(1).optional(),
  S3_REGION: z.string().min(1).optional(),
  S3_ENDPOINT: urlWithScheme(['http', 'https']).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
});

type Environment = z.infer<typeof environmentSchema>;

const S3_VARIABLES = ['S3_REGION', 'S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_FORCE_PATH_STYLE'] as const;

/**
 * Returns one message per S3 variable that is missing or set without the others it needs. It reads
 * the raw environment, so these problems are reported together with invalid values.
 */
function findS3Problems(raw: Record<string, string | undefined>): string[] {
  if (!raw.S3_BUCKET) {
    return S3_VARIABLES.filter((name) => raw[name] !== undefined).map(
      (name) => `${name}: is set but S3_BUCKET is not; set S3_BUCKET to store attachments in a bucket, or unset ${name}`,
    );
  }
  const problems: string[] = [];
  if (!raw.S3_REGION) problems.push("S3_REGION: required with S3_BUCKET; use the bucket's region, such as us-east-1");
  if (raw.S3_ACCESS_KEY_ID && !raw.S3_SECRET_ACCESS_KEY) problems.push('S3_SECRET_ACCESS_KEY: required with S3_ACCESS_KEY_ID');
  if (raw.S3_SECRET_ACCESS_KEY && !raw.S3_ACCESS_KEY_ID) problems.push('S3_ACCESS_KEY_ID: required with S3_SECRET_ACCESS_KEY');
  return problems;
}

function toMediaStorageConfig(env: Environment): MediaStorageConfig {
  if (!env.S3_BUCKET || !env.S3_REGION) return { kind: 'local', folder: path.resolve(env.DATA_DIR, 'media') };
  return {
    kind: 's3',
    bucket: env.S3_BUCKET,
    region: env.S3_REGION,
    endpoint: env.S3_ENDPOINT?.replace(/\/+$/, ''),
    credentials:
      env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
        : undefined,
    forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment into a Config, reporting every invalid variable at once.
 * Secrets default to development values except when NODE_ENV is "production", where they are required.
 */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const emptyAsMissing = Object.fromEntries(
    Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = environmentSchema.safeParse(emptyAsMissing);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  problems.push(...findS3Problems(emptyAsMissing));
  if (parsed.success && parsed.data.MEDIA_RETRY_MAX_DELAY_MS < parsed.data.MEDIA_RETRY_BASE_DELAY_MS) {
    problems.push('MEDIA_RETRY_MAX_DELAY_MS: must be at least MEDIA_RETRY_BASE_DELAY_MS');
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const env = parsed.data;

  const isProduction = env.NODE_ENV === 'production';
  const missingSecrets = (['JWT_SECRET', 'META_APP_SECRET', 'META_VERIFY_TOKEN', 'ENCRYPTION_KEYS'] as const).filter(
    (name) => env[name] === undefined,
  );
  if (isProduction && missingSecrets.length > 0) {
    throw new ConfigError(
      missingSecrets.map((name) => `${name}: required when NODE_ENV is production`),
    );
  }
  const encryptionKeys = parseEncryptionKeys(env.ENCRYPTION_KEYS ?? DEVELOPMENT_ENCRYPTION_KEYS);
  if (typeof encryptionKeys === 'string') throw new ConfigError([`ENCRYPTION_KEYS: ${encryptionKeys}`]);

  return Object.freeze({
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    jwtSecret: env.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET,
    jwtTtlSeconds: env.JWT_TTL_SECONDS,
    metaAppSecret: env.META_APP_SECRET ?? DEVELOPMENT_APP_SECRET,
    metaVerifyToken: env.META_VERIFY_TOKEN ?? DEVELOPMENT_VERIFY_TOKEN,
    graphApiUrl: env.GRAPH_API_URL.replace(/\/+$/, ''),
    graphApiTimeoutMs: env.GRAPH_API_TIMEOUT_MS,
    // Off by default outside production, so a development server never calls Meta on its own.
    fetchContactProfiles: (env.FETCH_CONTACT_PROFILES ?? (isProduction ? 'true' : 'false')) === 'true',
    dataDir: env.DATA_DIR,
    logLevel: env.LOG_LEVEL,
    isProduction,
    encryptionKeys,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    publicUrlIsSet: env.PUBLIC_URL !== undefined,
    retentionIntervalSeconds: env.RETENTION_INTERVAL_SECONDS,
    media: Object.freeze({
      storage: Object.freeze(toMediaStorageConfig(env)),
      maxBytes: env.MEDIA_MAX_BYTES,
      downloadTimeoutMs: env.MEDIA_DOWNLOAD_TIMEOUT_MS,
      maxAttempts: env.MEDIA_MAX_ATTEMPTS,
      retryBaseDelayMs: env.MEDIA_RETRY_BASE_DELAY_MS,
      retryMaxDelayMs: env.MEDIA_RETRY_MAX_DELAY_MS,
      pollIntervalMs: env.MEDIA_POLL_INTERVAL_MS,
      concurrency: env.MEDIA_CONCURRENCY,
      downloadUrlTtlSeconds: env.MEDIA_URL_TTL_SECONDS,
    }),
    usesDevelopmentSecrets: missingSecrets.length > 0,
  });
}

const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Parses "keyId:base64-of-32-bytes,keyId:…" into keys, current key first. Returns a message
 * describing the first problem instead, never repeating key material in it.
 */
export function parseEncryptionKeys(value: string): EncryptionKey[] | string {
  const entries = value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  if (entries.length === 0) return 'list at least one key as keyId:base64-32-bytes';

  const keys: EncryptionKey[] = [];
  for (const [index, entry] of entries.entries()) {
    const separator = entry.indexOf(':');
    const id = separator === -1 ? '' : entry.slice(0, separator);
    const encoded = separator === -1 ? '' : entry.slice(separator + 1);
    if (!KEY_ID_PATTERN.test(id)) {
      return `key ${index + 1} must look like keyId:base64, with a key id of 1 to 32 letters, digits, "_" or "-"`;
    }
    if (keys.some((key) => key.id === id)) return `key id "${id}" is listed twice`;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return `key "${id}" is not base64`;
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== 32) {
      return `key "${id}" decodes to ${key.length} bytes; AES-256 needs exactly 32 (generate one with: openssl rand -base64 32)`;
    }
    keys.push({ id, key });
  }
  return keys;
}
