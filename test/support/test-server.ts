import type { ChannelSender } from '../../src/channels/outbound.js';
import type { BotClientOptions } from '../../src/channels/webchat/bot-client.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { createApp, type App } from '../../src/server/app.js';
import type { WebchatRateLimits } from '../../src/services/services.js';
import { createTestDatabase, type TestDatabase } from './databases.js';

export const TEST_APP_SECRET = 'test-app-secret-for-signatures';
export const TEST_VERIFY_TOKEN = 'test-verify-token';
export const TEST_JWT_SECRET = 'test-jwt-secret-that-is-at-least-32-characters';

export interface TestServer {
  app: App;
  database: TestDatabase;
  config: Config;
  /** Base URL, such as http://127.0.0.1:43210. */
  url: string;
  graphqlUrl: string;
  webSocketUrl: string;
  close(): Promise<void>;
}

export interface TestServerOptions {
  graphApiUrl?: string;
  /** Share another server's database, to run two instances side by side. */
  database?: TestDatabase;
  sender?: ChannelSender;
  /** Use the in-process event bus even when REDIS_URL is set. */
  memoryEventBus?: boolean;
  /** Name new contacts from the Graph API's profile endpoint; off so request counts stay exact. */
  fetchContactProfiles?: boolean;
  /** Replaces the silent test logger, for tests that read what the server logs. */
  logger?: Logger;
  /**
   * Starts the media copy worker. Off by default, so other tests' attachments stay pending and no
   * download is tried for their URLs.
   */
  mediaWorker?: boolean;
  /** Extra environment variables, such as ENCRYPTION_KEYS, PUBLIC_URL, JWT_TTL_SECONDS, MEDIA_* or S3_* settings. */
  environment?: Record<string, string>;
  botClient?: BotClientOptions;
  webchatRateLimits?: WebchatRateLimits;
}

/**
 * Starts a Parley server on an ephemeral port with its own database (PostgreSQL when
 * DATABASE_URL is set, else PGlite) and the Redis bus when REDIS_URL is set.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = options.database ?? (await createTestDatabase());
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: database.dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    META_APP_SECRET: TEST_APP_SECRET,
    META_VERIFY_TOKEN: TEST_VERIFY_TOKEN,
    GRAPH_API_URL: options.graphApiUrl ?? 'http://127.0.0.1:9/v21.0',
    GRAPH_API_TIMEOUT_MS: '5000',
    FETCH_CONTACT_PROFILES: options.fetchContactProfiles ? 'true' : 'false',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Off unless a test sets it: a purge in the background would disturb statement counts.
    RETENTION_INTERVAL_SECONDS: '0',
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    ...(process.env.REDIS_URL && !options.memoryEventBus ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...options.environment,
  });
  const app = await createApp(config, options.logger ?? createLogger(config.logLevel), {
    skipMigrations: database.migrated,
    startMediaWorker: options.mediaWorker ?? false,
    ...(options.sender ? { sender: options.sender } : {}),
    ...(options.botClient ? { botClient: options.botClient } : {}),
    ...(options.webchatRateLimits ? { webchatRateLimits: options.webchatRateLimits } : {}),
  });
  const url = await app.listen();
  const ownsDatabase = !options.database;

  return {
    app,
    config,
    database,
    url,
    graphqlUrl: `${url}/graphql`,
    webSocketUrl: `${url.replace(/^http/, 'ws')}/graphql`,
    async close() {
      await app.close();
      if (ownsDatabase) await database.drop();
    },
  };
}
