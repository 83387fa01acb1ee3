import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { createInstagramSender } from '../channels/instagram/instagram-sender.js';
import { createMetaSender } from '../channels/meta/meta-sender.js';
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
import { buildParleySchema } from '../schema/build-schema.js';
import { createKeyring } from '../secrets/keyring.js';
import { startRetentionSchedule } from '../services/retention-schedule.js';
import { createServices, type Services } from '../services/services.js';
import { GRAPHQL_PATH, registerGraphql } from './graphql.js';
import { checkHealth } from './health.js';
import { registerMetaDataDeletionRoutes } from './meta-data-deletion.routes.js';

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{8,64}$/;
import { registerMetaWebhookRoutes } from './meta-webhook.routes.js';
import { registerPrivacyPolicyRoutes } from './privacy-policy.routes.js';
import { IdsOnlyLogController } from './request-logging.js';

export interface App {
  fastify: FastifyInstance;
  db: Database;
  eventBus: EventBus;
  services: Services;
  /** Starts listening; returns the base URL, such as http://127.0.0.1:4000. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface AppOptions {
  /** Replaces the Meta and Instagram senders, for tests that need a sender other than the Graph API. */
  sender?: ChannelSender;
  /** Skips migrations when the database is known to be migrated already. */
  skipMigrations?: boolean;
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
    });
  const templates = createWhatsAppTemplateCatalog(graphApi);
  const keyring = createKeyring(config.encryptionKeys);
  const personalKeys = config.redisUrl ? await createRedisPersonalKeyStore(config.redisUrl, log) : noPersonalKeys;
  // TODO(media): pass the media store here once it exists, so erasure and retention delete stored files.
  const attachmentFiles = undefined;
  const services = createServices({ config, db, bus: eventBus, log, sender, keyring, templates, personalKeys, attachmentFiles });

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
    // Driver errors carry SQL parameters such as message text: log and answer without them.
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
      ...(profileEnricher ? { onContactsSeen: (channel, ids) => profileEnricher.schedule(channel, ids) } : {}),
    }),
  );
  await fastify.register(async (scope) => registerPrivacyPolicyRoutes(scope, config, services.privacyPolicies));
  await fastify.register(async (scope) => registerMetaDataDeletionRoutes(scope, config, services.metaDataDeletion));
  const schema = await buildParleySchema();
  const graphql = await registerGraphql(fastify, schema, services, eventBus, log);
  const retentionSchedule =
    config.retentionIntervalSeconds > 0
      ? startRetentionSchedule(services.retention, config.retentionIntervalSeconds * 1000, log.child({ job: 'retention' }))
      : undefined;

  return {
    fastify,
    db,
    eventBus,
    services,
    async listen() {
      await fastify.listen({ port: config.port, host: config.host });
      const address = fastify.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
      return `http://${host}:${port}`;
    },
    async close() {
      await retentionSchedule?.stop();
      await graphql.close();
      await profileEnricher?.idle();
      await fastify.close();
      await eventBus.close();
      await personalKeys.close();
      await db.close();
    },
  };
}
