import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { createInstagramSender } from '../channels/instagram/instagram-sender.js';
import { createMediaSourceRegistry } from '../channels/media-source-registry.js';
import { createMetaSender } from '../channels/meta/meta-sender.js';
import { createWhatsAppMediaResolver } from '../channels/meta/whatsapp-media.js';
import type { BotClientOptions } from '../channels/webchat/bot-client.js';
import { createWebchatSender } from '../channels/webchat/webchat-sender.js';
import type { ChannelSender } from '../channels/outbound.js';
import { createChannelSender } from '../channels/sender-registry.js';
import { createWhatsAppSender } from '../channels/whatsapp/whatsapp-sender.js';
import { createWhatsAppTemplateCatalog } from '../channels/whatsapp/whatsapp-templates.js';
import type { Config } from '../config/config.js';
import { openDatabase, type Database } from '../db/database.js';
import type { EventBus } from '../events/event-bus.js';
import { createMemoryEventBus } from '../events/memory-event-bus.js';
import { createProfileEnricher } from '../ingest/profile-enricher.js';
import { createRedisEventBus } from '../events/redis-event-bus.js';
import { loggableError } from '../errors/loggable-error.js';
import type { Logger } from '../logger.js';
import { createRedisPersonalKeyStore, noPersonalKeys } from '../privacy/personal-keys.js';
import { createMediaCopyWorker, type MediaCopyWorker } from '../media/media-copy-worker.js';
import { buildParleySchema } from '../schema/build-schema.js';
import { createKeyring } from '../secrets/keyring.js';
import { startRetentionSchedule } from '../services/retention-schedule.js';
import { createServices, type Services, type WebchatRateLimits } from '../services/services.js';
import { createMediaStorage } from '../storage/create-media-storage.js';
import type { MediaStorage } from '../storage/media-storage.js';
import { GRAPHQL_PATH, registerGraphql } from './graphql.js';
import { checkHealth } from './health.js';
import { registerMediaRoutes } from './media.routes.js';
import { registerMetaDataDeletionRoutes } from './meta-data-deletion.routes.js';
import { registerMetaWebhookRoutes } from './meta-webhook.routes.js';
import { registerPrivacyPolicyRoutes } from './privacy-policy.routes.js';
import { IdsOnlyLogController } from './request-logging.js';
import { registerWebchatRoutes } from './webchat.routes.js';

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{8,64}$/;

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
  /** Replaces the Meta and Instagram senders, for tests that need a sender other than the Graph API. */
  sender?: ChannelSender;
  /** Skips migrations when the database is known to be migrated already. */
  skipMigrations?: boolean;
  /** False leaves the media copy worker stopped, so attachments stay pending; tests use it. */
  startMediaWorker?: boolean;
  /** Replaces the webchat bot hook's timeout and retries, for tests that cannot wait seconds. */
  botClient?: BotClientOptions;
  /** Replaces the webchat rate limits. */
  webchatRateLimits?: WebchatRateLimits;
}

/** Wires database, event bus, services, GraphQL and webhooks into one Fastify server. */
export async function createApp(config: Config, log: Logger, options: AppOptions = {}): Promise<App> {
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  if (!options.skipMigrations) await db.migrate();
  const eventBus = config.redisUrl ? await createRedisEventBus(config.redisUrl, log) : createMemoryEventBus(log);
  log.info({ database: db.driver, eventBus: config.redisUrl ? 'redis' : 'memory' }, 'storage ready');

  const graphApi = { baseUrl: config.graphApiUrl, timeoutMs: config.graphApiTimeoutMs };
  const metaSender = createMetaSender(graphApi);
  const sender =
    options.sender ??
    createChannelSender({
      messenger: metaSender,
      facebook_page: metaSender,
      instagram: createInstagramSender(graphApi),
      whatsapp: createWhatsAppSender(graphApi),
      webchat: createWebchatSender(),
    });
  const templates = createWhatsAppTemplateCatalog(graphApi);
  const keyring = createKeyring(config.encryptionKeys);
  const personalKeys = config.redisUrl ? await createRedisPersonalKeyStore(config.redisUrl, log) : noPersonalKeys;
  const storage = createMediaStorage(config.media.storage);
  if (config.redisUrl && config.media.storage.kind === 'local') {
    log.warn(
      { folder: config.media.storage.folder },
      'attachment copies are kept in a local folder; with several server instances set S3_BUCKET or share the folder, or an instance may not find a copy',
    );
  }
  // Erasure and retention delete stored attachment files through the same storage.
  const attachmentFiles = {
    async deleteFiles(storageKeys: string[]) {
      for (const key of storageKeys) await storage.delete(key);
    },
  };
  const services = createServices(
    { config, db, bus: eventBus, log, sender, keyring, templates, personalKeys, attachmentFiles, storage },
    {
      ...(options.botClient ? { botClient: options.botClient } : {}),
      ...(options.webchatRateLimits ? { webchatRateLimits: options.webchatRateLimits } : {}),
    },
  );
  const mediaSources = createMediaSourceRegistry({ whatsapp: createWhatsAppMediaResolver(graphApi) });
  const mediaWorker = createMediaCopyWorker(
    { db, bus: eventBus, log, storage, sources: mediaSources, config: config.media, channelSecrets: services.channelSecrets },
    // The exchange and the download have their own timeouts; storage writes time out after 60 s.
    { leaseMs: config.graphApiTimeoutMs + config.media.downloadTimeoutMs + 2 * 60_000 },
  );

  // Fastify types its logger as FastifyBaseLogger; Parley's modules take the pino Logger it really is.
  const fastify: FastifyInstance = Fastify({
    loggerInstance: log,
    // An upstream proxy's request id is kept when it looks like one; anything else gets a new id.
    genReqId: (request) => {
      const upstream = request.headers['x-request-id'];
      return typeof upstream === 'string' && REQUEST_ID_PATTERN.test(upstream) ? upstream : randomUUID();
    },
    requestIdHeader: false,
    logController: new IdsOnlyLogController(),
  }) as unknown as FastifyInstance;

  fastify.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    const isGraphql = request.url.split('?')[0] === GRAPHQL_PATH;
    if (status < 500) {
      // GraphQL clients expect an errors array with a code even when the body never parsed.
      if (isGraphql) return reply.code(status).send({ errors: [{ message: error.message, extensions: { code: 'BAD_REQUEST' } }] });
      return reply.code(status).send({ error: error.message });
    }
    // Driver errors carry SQL parameters such as message text, so the log and the response leave them out.
    request.log.error({ error: loggableError(error) }, 'request failed');
    return reply.code(500).send({ error: `Internal server error; logged with request id ${request.id}.` });
  });

  fastify.get('/healthz', async (_request, reply) => {
    const checks = await checkHealth(db, eventBus);
    return reply.code(checks.status === 'ok' ? 200 : 503).send(checks);
  });
  const profileEnricher = config.fetchContactProfiles
    ? createProfileEnricher({ db, bus: eventBus, log, graphApi, channelSecrets: services.channelSecrets })
    : undefined;
  await fastify.register(async (scope) =>
    registerMetaWebhookRoutes(scope, config, {
      db,
      bus: eventBus,
      storage,
      onMediaQueued: () => mediaWorker.wake(),
      ...(profileEnricher ? { onContactsSeen: (channel, ids) => profileEnricher.schedule(channel, ids) } : {}),
    }),
  );
  await fastify.register(async (scope) => registerPrivacyPolicyRoutes(scope, config, services.privacyPolicies));
  await fastify.register(async (scope) => registerMetaDataDeletionRoutes(scope, config, services.metaDataDeletion));
  await fastify.register(async (scope) => registerMediaRoutes(scope, services));
  await fastify.register(async (scope) => registerWebchatRoutes(scope, config, services));
  const schema = await buildParleySchema();
  const graphql = await registerGraphql(fastify, schema, services, eventBus, log);
  const retentionSchedule =
    config.retentionIntervalSeconds > 0
      ? startRetentionSchedule(services.retention, config.retentionIntervalSeconds * 1000, log.child({ job: 'retention' }))
      : undefined;
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
      await retentionSchedule?.stop();
      await mediaWorker.stop();
      await graphql.close();
      await profileEnricher?.idle();
      await fastify.close();
      await services.botHook.close();
      await eventBus.close();
      await personalKeys.close();
      await db.close();
      storage.close();
    },
  };
}
