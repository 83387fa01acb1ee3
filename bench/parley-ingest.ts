import http from 'node:http';
import { count, eq } from 'drizzle-orm';
import { loadConfig } from '../src/config/config.js';
import { messages } from '../src/db/schema.js';
import { createLogger } from '../src/logger.js';
import { createApp, type App } from '../src/server/app.js';
import type { BenchDatabase } from './bench-database.js';
import { benchMessage, signedMessengerWebhook, type SignedWebhook } from './bench-messages.js';
import type { BenchOptions } from './bench-options.js';
import { runLoad, type LoadResult } from './run-load.js';

const TENANT_SLUG = 'bench';
const PAGE_ID = '100000000000777';
/** The second page gets the baseline's rows, so they never collide with Parley's on unique keys. */
const BASELINE_PAGE_ID = '100000000000778';
const APP_SECRET = 'parley-bench-app-secret';
export const MID_PREFIX = 'bench';

/** The baseline's destination: a second Messenger channel of the benchmark tenant. */
export interface BaselineTarget {
  tenantId: string;
  channelId: string;
}

export interface ParleyMeasurement {
  result: LoadResult;
  eventBus: 'redis' | 'memory';
  baselineTarget: BaselineTarget;
}

/**
 * Starts Parley on 127.0.0.1 with an ephemeral port, connects a Messenger page, and posts signed
 * text webhooks over HTTP: first the warm-up, then the measured messages. Stops the server before
 * returning, so PGlite's data folder is free for the baseline.
 */
export async function measureParleyIngest(
  database: BenchDatabase,
  options: BenchOptions,
  redisUrl: string | undefined,
  signal: AbortSignal,
): Promise<ParleyMeasurement> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: database.dataDir,
    META_APP_SECRET: APP_SECRET,
    // No call may leave the machine, so profile lookups are off, and any other Graph API call
    // would go to a closed local port (9, discard) and fail at once.
    FETCH_CONTACT_PROFILES: 'false',
    GRAPH_API_URL: 'http://127.0.0.1:9/v21.0',
    LOG_LEVEL: 'silent',
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  });
  const app = await createApp(config, createLogger(config.logLevel), { skipMigrations: true });
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });

  try {
    const webhookUrl = new URL('/webhooks/meta', await app.listen());
    const { channelId, baselineTarget } = await connectPages(app);

    // Bodies are built and signed before timing, because signing is Meta's work, not Parley's.
    const total = options.warmup + options.messages;
    const webhooks: SignedWebhook[] = Array.from({ length: total }, (_, index) =>
      signedMessengerWebhook(benchMessage(index, options.visitors, MID_PREFIX), PAGE_ID, APP_SECRET),
    );
    const post = (index: number) => postWebhook(agent, webhookUrl, webhooks[index]);

    const { warmup, messages: measured, concurrency } = options;
    await runLoad({ first: 0, count: warmup, concurrency, signal }, post);
    const result = await runLoad({ first: warmup, count: measured, concurrency, signal }, post);

    await expectStoredMessages(app, channelId, total);
    return { result, eventBus: config.redisUrl ? 'redis' : 'memory', baselineTarget };
  } finally {
    agent.destroy();
    await app.close();
  }
}

async function connectPages(app: App): Promise<{ channelId: string; baselineTarget: BaselineTarget }> {
  const { tenant } = await app.services.tenantAdmin.createTenant({
    slug: TENANT_SLUG,
    name: 'Benchmark tenant',
    adminEmail: `admin@${TENANT_SLUG}.test`,
    adminPassword: 'bench-admin-password',
  });
  const channel = await app.services.tenantAdmin.createChannel({
    tenantSlug: TENANT_SLUG,
    kind: 'messenger',
    externalId: PAGE_ID,
    accessToken: 'bench-page-token',
    name: 'Benchmark page',
  });
  const baselineChannel = await app.services.tenantAdmin.createChannel({
    tenantSlug: TENANT_SLUG,
    kind: 'messenger',
    externalId: BASELINE_PAGE_ID,
    accessToken: 'bench-page-token',
    name: 'Baseline page (raw SQL rows)',
  });
  return { channelId: channel.id, baselineTarget: { tenantId: tenant.id, channelId: baselineChannel.id } };
}

/** Posts one webhook and resolves when the response has ended with status 200. */
function postWebhook(agent: http.Agent, url: URL, webhook: SignedWebhook | undefined): Promise<void> {
  if (!webhook) return Promise.reject(new Error('No webhook was built for this index.'));
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(webhook.body),
          'x-hub-signature-256': webhook.signature,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          if (response.statusCode === 200) {
            resolve();
            return;
          }
          const text = Buffer.concat(chunks).toString('utf8');
          reject(new Error(`POST ${url.pathname} returned ${response.statusCode ?? 'no status'}: ${text}`));
        });
      },
    );
    request.on('error', reject);
    request.end(webhook.body);
  });
}

/** Fails the run unless every acknowledged webhook left exactly one message row. */
async function expectStoredMessages(app: App, channelId: string, expected: number): Promise<void> {
  const [row] = await app.db.withSystem((tx) =>
    tx.select({ stored: count() }).from(messages).where(eq(messages.channelId, channelId)),
  );
  if (row?.stored !== expected) {
    throw new Error(`Parley stored ${row?.stored ?? 0} messages for ${expected} acknowledged webhooks.`);
  }
}
