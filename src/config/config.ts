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
  /** Time between two runs of the retention purge inside the server, in seconds; 0 turns it off. */
  readonly retentionIntervalSeconds: number;
  /** True when secrets fell back to development defaults, which `npm start` warns about. */
  readonly usesDevelopmentSecrets: boolean;
}

export interface EncryptionKey {
  /** Stored in every ciphertext, so decryption can pick the matching key. */
  readonly id: string;
  /** 32 bytes. */
  readonly key: Buffer;
}

const DEVELOPMENT_JWT_SECRET = 'parley-development-jwt-secret-change-me';
const DEVELOPMENT_APP_SECRET = 'parley-development-app-secret';
const DEVELOPMENT_VERIFY_TOKEN = 'parley-development-verify-token';
// Public on purpose: it only lets a development database start; production must set its own keys.
const DEVELOPMENT_ENCRYPTION_KEYS = 'dev:cGFybGV5LWRldi1lbmNyeXB0aW9uLWtleS1wdWJsaWM=';

const urlWithScheme = (schemes: string[]) =>
  z.url().refine((value) => schemes.some((scheme) => value.startsWith(`${scheme}://`)), {
    message: `must start with ${schemes.map((scheme) => `${scheme}://`).join(' or ')}`,
  });

const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  // Loopback unless told otherwise: the development defaults are not secret.
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: urlWithScheme(['postgres', 'postgresql']).optional(),
  REDIS_URL: urlWithScheme(['redis', 'rediss']).optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_TTL_SECONDS: z.coerce.number().int().positive().default(12 * 60 * 60),
  META_APP_SECRET: z.string().min(1).optional(),
  META_VERIFY_TOKEN: z.string().min(1).optional(),
  GRAPH_API_URL: urlWithScheme(['http', 'https']).default('https://graph.facebook.com/v21.0'),
  GRAPH_API_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  FETCH_CONTACT_PROFILES: z.enum(['true', 'false']).default('true'),
  DATA_DIR: z.string().min(1).default('./.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ENCRYPTION_KEYS: z.string().optional(),
  PUBLIC_URL: urlWithScheme(['http', 'https'])
    .refine((value) => !/[?#]/.test(value), { message: 'must not contain a query or fragment' })
    .optional(),
  RETENTION_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60 * 60),
  NODE_ENV: z.string().optional(),
});

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
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
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
    fetchContactProfiles: env.FETCH_CONTACT_PROFILES === 'true',
    dataDir: env.DATA_DIR,
    logLevel: env.LOG_LEVEL,
    isProduction,
    encryptionKeys,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    retentionIntervalSeconds: env.RETENTION_INTERVAL_SECONDS,
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
