import { ApolloServer } from '@apollo/server';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import type { FastifyInstance } from 'fastify';
import { specifiedRules, validate, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import jwt from 'jsonwebtoken';
import { WebSocketServer } from 'ws';
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import { loggableError } from '../errors/loggable-error.js';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services/services.js';
import { bearerToken, buildContext, requestLogger, type RequestContext } from './context.js';
import { contextError, formatClientError } from './format-error.js';
import { containsNul, nulInputError } from './nul-guard.js';
import { queryLimitsRule } from './query-limits.js';

export const GRAPHQL_PATH = '/graphql';

interface SocketExtra extends Record<PropertyKey, unknown> {
  context?: RequestContext;
  expiryTimer?: NodeJS.Timeout;
}

// setTimeout's maximum delay; tokens living longer are checked again when it fires.
const MAX_TIMER_DELAY_MS = 2_147_483_647;

/** Returns when an already verified token expires, in epoch milliseconds. */
function tokenExpiry(authorization: unknown): number | undefined {
  const token = bearerToken(authorization);
  const claims = token ? jwt.decode(token) : null;
  return claims && typeof claims === 'object' && typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
}

// TODO(operator): close sockets of a tenant when it is suspended. Until then they stay open, but
// they go quiet, because nothing of a suspended tenant is stored or published.

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
  // 1 MiB, as for HTTP bodies; ws would otherwise accept 100 MiB frames before authentication.
  const webSocketServer = new WebSocketServer({ server: app.server, path: GRAPHQL_PATH, maxPayload: 1_048_576 });
  const socketLog = log.child({ transport: 'websocket' });

  const socketServer = useServer<Record<string, unknown>, SocketExtra>(
    {
      schema,
      async onConnect(connection) {
        const authorization = connection.connectionParams?.authorization;
        try {
          const context = await buildContext(
            services,
            eventBus,
            socketLog,
            randomUUID(),
            authorization,
            connection.extra.request.socket.remoteAddress,
          );
          // Operators may connect, so they get FORBIDDEN per subscription like any other operation.
          if (context.viewer.kind === 'anonymous') return false;
          connection.extra.context = context;

          // A socket lives as long as its token: close it when the token expires, because HTTP
          // requests with that token get UNAUTHENTICATED from then on.
          const expiresAt = tokenExpiry(authorization);
          if (expiresAt !== undefined) {
            const closeWhenExpired = () => {
              const remaining = expiresAt - Date.now();
              if (remaining > 0) {
                connection.extra.expiryTimer = setTimeout(closeWhenExpired, Math.min(remaining, MAX_TIMER_DELAY_MS));
                return;
              }
              connection.extra.socket.close(CloseCode.Forbidden, 'Forbidden: the access token expired');
            };
            closeWhenExpired();
          }
          return true;
        } catch (error) {
          if (error instanceof AppError) {
            // The close reason carries the code (UNAUTHENTICATED, TENANT_SUSPENDED), as extensions.code does over HTTP.
            connection.extra.socket.close(CloseCode.Forbidden, error.code);
            return false;
          }
          socketLog.error({ error: loggableError(error) }, 'websocket connection setup failed');
          throw error;
        }
      },
      context: (connection) => connection.extra.context,
      onClose(connection) {
        clearTimeout(connection.extra.expiryTimer);
      },
      // Rejected before anything runs: PostgreSQL would fail on U+0000 deep inside a resolver.
      onSubscribe(_connection, _id, payload) {
        if (containsNul(payload.query) || containsNul(payload.variables)) return [nulInputError()];
        return undefined;
      },
      // graphql-ws validates with specifiedRules only; add the same limits as HTTP.
      validate: (validatedSchema, document) => validate(validatedSchema, document, [...specifiedRules, queryLimitsRule]),
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
    // src/main.ts handles SIGINT and SIGTERM; Apollo's own handler would end the process before
    // the rest of the server (workers, database) is closed.
    stopOnTerminationSignals: false,
    validationRules: [queryLimitsRule],
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

  // Rejected before anything runs: PostgreSQL would fail on U+0000 deep inside a resolver.
  app.addHook('preHandler', async (request, reply) => {
    if (request.url.split('?')[0] !== GRAPHQL_PATH) return;
    if (containsNul(request.body) || containsNul(request.query)) {
      const error = nulInputError();
      return reply.code(400).send({ errors: [{ message: error.message, extensions: { code: 'BAD_USER_INPUT' } }] });
    }
  });

  await app.register(fastifyApollo(apollo), {
    path: GRAPHQL_PATH,
    context: async (request) => {
      try {
        return await buildContext(services, eventBus, requestLogger(request), request.id, request.headers.authorization, request.ip);
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
