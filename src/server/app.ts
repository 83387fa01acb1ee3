import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { createMediaSourceRegistry } from '../channels/media-source-registry.js';
import { createMetaSender } from '../channels/meta/meta-sender.js';
import { createWhatsAppMediaResolver } from '../channels/meta/whatsapp-media.js';
import type { ChannelSender } from '../channels/outbound.js';
import { createChannelSender } from '../channels/sender-registry.js';
import type { Config } from '../config/config.js';
import { openDatabase, type Database } from '../db/database.js';
import type { EventBus } from '../events/event-bus.js';
import { createMemoryEventBus } from '../events/memory-event-bus.js';
import { createRedisEventBus } from '../events/redis-event-bus.js';
import { loggableError } from '../errors/loggable-error.js';
import type { Logger } from '../logger.js';
import { createMediaCopyWorker, type MediaCopyWorker } from '../media/media-copy-worker.js';
import { buildParleySchema } from '../schema/build-schema.js';
import { createServices, type Services } from '../services/services.js';
import { createMediaStorage } from '../storage/create-media-storage.js';
import type { MediaStorage } from '../storage/media-storage.js';
import { registerGraphql } from './graphql.js';
import { registerMediaRoutes } from './media.routes.js';
import { registerMetaWebhookRoutes } from './meta-webhook.routes.js';

export interface App {
  fastify: FastifyInstance;
  db: Database;
  eventBus: EventBus;
  services: Services;
  storage: MediaStorage;
  mediaWorker: MediaCopyWorker;
  /** Starts listening; returns the base URL, such as http://127.0.0.1:4000. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface AppOptions {
  /** Replaces the Meta sender, for tests that need a sender other than the Graph API. */
  sender?: ChannelSender;
  /** Skips migrations when the database is known to be migrated already. */
  skipMigrations?: boolean;
  /** False leaves the media copy worker stopped, so attachments stay pending; tests use it. */
  startMediaWorker?: boolean;
}

/** Wires database, event bus, services, GraphQL and webhooks into one Fastify server. */
export async function createApp(config: Config, log: Logger, options: AppOptions = {}): Promise<App> {
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  if (!options.skipMigrations) await db.migrate();
  const eventBus = config.redisUrl ? await createRedisEventBus(config.redisUrl, log) : createMemoryEventBus(log);
  log.info({ database: db.driver, eventBus: config.redisUrl ? 'redis' : 'memory' }, 'storage ready');

  const graphApi = { baseUrl: config.graphApiUrl, timeoutMs: config.graphApiTimeoutMs };
  const metaSender = createMetaSender(graphApi);
  const sender = options.sender ?? createChannelSender({ messenger: metaSender, facebook_page: metaSender });
  const storage = createMediaStorage(config.media.storage);
  if (config.redisUrl && config.media.storage.kind === 'local') {
    log.warn(
      { folder: config.media.storage.folder },
      'attachment copies are kept in a local folder; with several server instances set S3_BUCKET or share the folder, or an instance may not find a copy another one stored',
    );
  }
  const services = createServices({ config, db, bus: eventBus, log, sender, storage });
  const mediaSources = createMediaSourceRegistry({ whatsapp: createWhatsAppMediaResolver(graphApi) });
  const mediaWorker = createMediaCopyWorker(
    { db, bus: eventBus, log, storage, sources: mediaSources, config: config.media },
    // The exchange and the download have their own timeouts; storage writes time out after 60 s.
    { leaseMs: config.graphApiTimeoutMs + config.media.downloadTimeoutMs + 2 * 60_000 },
  );

  // Fastify types its logger as FastifyBaseLogger; Parley's modules take the pino Logger it really is.
  const fastify: FastifyInstance = Fastify({
    loggerInstance: log,
    genReqId: () => randomUUID(),
    requestIdHeader: 'x-request-id',
  }) as unknown as FastifyInstance;

  fastify.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status < 500) return reply.code(status).send({ error: error.message });
    // Driver errors carry SQL parameters such as message text: log and answer without them.
    request.log.error({ error: loggableError(error) }, 'request failed');
    return reply.code(500).send({ error: `Internal server error; logged with request id ${request.id}.` });
  });

  fastify.get('/healthz', async () => ({ status: 'ok' }));
  await fastify.register(async (scope) =>
    registerMetaWebhookRoutes(scope, config, { db, bus: eventBus, storage, onMediaQueued: () => mediaWorker.wake() }),
  );
  await fastify.register(async (scope) => registerMediaRoutes(scope, services));
  const schema = await buildParleySchema();
  const graphql = await registerGraphql(fastify, schema, services, eventBus, log);
  if (options.startMediaWorker !== false) mediaWorker.start();

  return {
    fastify,
    db,
    eventBus,
    services,
    storage,
    mediaWorker,
    async listen() {
      await fastify.listen({ port: config.port, host: config.host });
      const address = fastify.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
      return `http://${host}:${port}`;
    },
    async close() {
      await mediaWorker.stop();
      await graphql.close();
      await fastify.close();
      await eventBus.close();
      await db.close();
      storage.close();
    },
  };
}
