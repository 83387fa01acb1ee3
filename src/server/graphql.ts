import { ApolloServer } from '@apollo/server';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import type { FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services/services.js';
import { buildContext, requestLogger, type RequestContext } from './context.js';
import { contextError, formatClientError } from './format-error.js';

export const GRAPHQL_PATH = '/graphql';

interface SocketExtra extends Record<PropertyKey, unknown> {
  context?: RequestContext;
}

/**
 * Serves the schema over HTTP (Apollo on Fastify) and WebSocket (graphql-ws) on the same port.
 * WebSocket clients, agents and webchat visitors, authenticate once, in connection_init's payload
 * `authorization`. The webchat widget sends its queries and mutations over the socket too, so
 * /graphql needs no CORS.
 */
export async function registerGraphql(
  app: FastifyInstance,
  schema: GraphQLSchema,
  services: Services,
  eventBus: EventBus,
  log: Logger,
): Promise<{ close(): Promise<void> }> {
  const webSocketServer = new WebSocketServer({ server: app.server, path: GRAPHQL_PATH });
  const socketLog = log.child({ transport: 'websocket' });

  const socketServer = useServer<Record<string, unknown>, SocketExtra>(
    {
      schema,
      async onConnect(connection) {
        const authorization = connection.connectionParams?.authorization;
        try {
          const context = await buildContext(services, eventBus, socketLog, randomUUID(), authorization);
          if (context.viewer.kind === 'anonymous') return false;
          connection.extra.context = context;
          return true;
        } catch (error) {
          if (error instanceof AppError) return false;
          socketLog.error({ err: error }, 'websocket connection setup failed');
          throw error;
        }
      },
      context: (connection) => connection.extra.context,
      onNext(connection, _id, _payload, _args, result) {
        if (!('errors' in result) || !result.errors) return result;
        const contextLog = connection.extra.context?.log ?? socketLog;
        return { ...result, errors: result.errors.map((error) => formatClientError(error.toJSON(), error, contextLog)) };
      },
      onError(connection, _id, _payload, errors) {
        const contextLog = connection.extra.context?.log ?? socketLog;
        return errors.map((error) => formatClientError(error.toJSON(), error, contextLog));
      },
    },
    webSocketServer,
  );

  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError: (formatted, error) => formatClientError(formatted, error, log),
    plugins: [
      fastifyApolloDrainPlugin(app),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await socketServer.dispose();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  await app.register(fastifyApollo(apollo), {
    path: GRAPHQL_PATH,
    context: async (request) => {
      try {
        return await buildContext(services, eventBus, requestLogger(request), request.id, request.headers.authorization);
      } catch (error) {
        throw contextError(error);
      }
    },
  });

  return {
    /** Stops Apollo, whose drain step also closes every WebSocket and the WebSocket server. */
    async close() {
      await apollo.stop();
    },
  };
}
