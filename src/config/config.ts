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
  /**
   * The server's public base URL without a trailing slash, for links it hands out such as the
   * webchat privacy policy. When undefined, each request's own scheme and Host header are used.
   */
  readonly publicUrl: string | undefined;
  readonly dataDir: string;
  readonly logLevel: string;
  /** True when secrets fell back to development defaults, which `npm start` warns about. */
  readonly usesDevelopmentSecrets: boolean;
}

const DEVELOPMENT_JWT_SECRET = 'parley-development-jwt-secret-change-me';
const DEVELOPMENT_APP_SECRET = 'parley-development-app-secret';
const DEVELOPMENT_VERIFY_TOKEN = 'parley-development-verify-token';

const urlWithScheme = (schemes: string[]) =>
  z.url().refine((value) => schemes.some((scheme) => value.startsWith(`${scheme}://`)), {
    message: `must start with ${schemes.map((scheme) => `${scheme}://`).join(' or ')}`,
  });

const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: urlWithScheme(['postgres', 'postgresql']).optional(),
  REDIS_URL: urlWithScheme(['redis', 'rediss']).optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_TTL_SECONDS: z.coerce.number().int().positive().default(12 * 60 * 60),
  META_APP_SECRET: z.string().min(1).optional(),
  META_VERIFY_TOKEN: z.string().min(1).optional(),
  GRAPH_API_URL: urlWithScheme(['http', 'https']).default('https://graph.facebook.com/v21.0'),
  GRAPH_API_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  PUBLIC_URL: urlWithScheme(['http', 'https']).optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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
  const missingSecrets = (['JWT_SECRET', 'META_APP_SECRET', 'META_VERIFY_TOKEN'] as const).filter(
    (name) => env[name] === undefined,
  );
  if (isProduction && missingSecrets.length > 0) {
    throw new ConfigError(
      missingSecrets.map((name) => `${name}: required when NODE_ENV is production`),
    );
  }

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
    publicUrl: env.PUBLIC_URL?.replace(/\/+$/, ''),
    dataDir: env.DATA_DIR,
    logLevel: env.LOG_LEVEL,
    usesDevelopmentSecrets: missingSecrets.length > 0,
  });
}
