import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

const describe = (request: FastifyRequest) => ({ method: request.method, route: request.routeOptions.url ?? 'unmatched' });

/**
 * Fastify's request log lines, written with the route pattern in place of the URL and without
 * the client's address. A URL can carry a secret (the webhook verify token) or personal data
 * (the variables of a GraphQL GET), so it is never logged.
 */
export class IdsOnlyLogController extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug(describe(request), 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const fields = { ...describe(request), statusCode: reply.statusCode, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...fields, errorType: error.name }, 'request errored');
    else reply.log.info(fields, 'request completed');
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log.info({ method: request.method }, 'route not found');
  }
}
