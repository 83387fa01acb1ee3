import type { FastifyRequest } from 'fastify';
import type { Viewer } from '../auth/viewer.js';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services/services.js';

/** The typed context every resolver receives, built by the same code for HTTP and WebSocket. */
export interface RequestContext {
  requestId: string;
  log: Logger;
  viewer: Viewer;
  services: Services;
  /** Used by subscriptions only; everything else goes through services. */
  eventBus: Pick<EventBus, 'subscribe'>;
  /** The client's IP address as the socket reports it, for rate limits. */
  clientAddress: string;
}

/** Extracts the token from "Bearer <token>", accepting a bare token too. */
export function bearerToken(header: unknown): string | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1] ?? header.trim();
}

export async function buildContext(
  services: Services,
  eventBus: EventBus,
  log: Logger,
  requestId: string,
  authorization: unknown,
  clientAddress = 'unknown',
): Promise<RequestContext> {
  const viewer = await services.auth.viewerFromToken(bearerToken(authorization));
  const scopedLog =
    viewer.kind === 'agent'
      ? log.child({ tenantId: viewer.tenantId, agentId: viewer.agentId })
      : viewer.kind === 'operator'
        ? log.child({ operatorId: viewer.operatorId })
        : viewer.kind === 'visitor'
          ? log.child({ tenantId: viewer.tenantId, conversationId: viewer.conversationId, viewer: 'visitor' })
          : log;
  return { requestId, log: scopedLog, viewer, services, eventBus, clientAddress };
}

/** Returns a request's logger as the pino logger it is: the app passes its pino instance to Fastify. */
export function requestLogger(request: FastifyRequest): Logger {
  return request.log as unknown as Logger;
}
