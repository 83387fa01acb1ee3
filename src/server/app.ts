import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { createMetaSender } from '../channels/meta/meta-sender.js';
import type { BotClientOptions } from '../channels/webchat/bot-client.js';
import { createWebchatSender } from '../channels/webchat/webchat-sender.js';
import type { ChannelSender } from '../channels/outbound.js';
import { createChannelSender } from '../channels/sender-registry.js';
import type { Config } from '../config/config.js';
import { openDatabase, type Database } from '../db/database.js';
import type { EventBus } from '../events/event-bus.js';
import { createMemoryEventBus } from '../events/memory-event-bus.js';
import { createRedisEventBus } from '../events/redis-event-bus.js';
import { loggableError } from '../errors/loggable-error.js';
import type { Logger } from '../logger.js';
import { buildParleySchema } from '../schema/build-schema.js';
import { createServices, type Services, type WebchatRateLimits } from '../services/services.js';
import { registerGraphql } from './graphql.js';
import { registerMetaWebhookRoutes } from './meta-webhook.routes.js';
import { registerWebchatRoutes } from './webchat.routes.js';

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
  /** Replaces the Meta sender, for tests that need a sender other than the Graph API. */
  sender?: ChannelSender;
  /** Skips migrations when the database is known to be migrated already. */
  skipMigrations?: boolean;
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
    options.sender ?? createChannelSender({ messenger: metaSender, facebook_page: metaSender, webchat: createWebchatSender() });
  const services = createServices(
    { config, db, bus: eventBus, log, sender },
    {
      ...(options.botClient ? { botClient: options.botClient } : {}),
      ...(options.webchatRateLimits ? { webchatRateLimits: options.webchatRateLimits } : {}),
    },
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
  await fastify.register(async (scope) => registerMetaWebhookRoutes(scope, config, { db, bus: eventBus }));
  await fastify.register(async (scope) => registerWebchatRoutes(scope, config, services));
  const schema = await buildParleySchema();
  const graphql = await registerGraphql(fastify, schema, services, eventBus, log);

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
      await graphql.close();
      await fastify.close();
      await services.botHook.close();
      await eventBus.close();
      await db.close();
    },
  };
}
