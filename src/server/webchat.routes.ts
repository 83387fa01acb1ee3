import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { BOT_SIGNATURE_HEADER } from '../channels/webchat/bot-signature.js';
import type { Config } from '../config/config.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { toGlobalId } from '../schema/global-id.js';
import type { Services } from '../services/services.js';
import { HTTP_STATUS_BY_CODE } from './format-error.js';

const widgetFile = new URL('../widget/widget.js', import.meta.url);

const sessionBodySchema = z.object({
  token: z.string().max(4_096).optional(),
  locale: z.string().max(64).optional(),
});

// Errors that can only happen after the origin check passed, so the page may read their message.
const READABLE_BY_PAGE = new Set<ErrorCode>([ErrorCode.BadUserInput, ErrorCode.RateLimited]);

function sendAppError(reply: FastifyReply, error: unknown): FastifyReply {
  if (!(error instanceof AppError)) throw error;
  reply.log.info({ code: error.code, route: reply.request.routeOptions.url }, 'webchat request rejected');
  if (error.code === ErrorCode.RateLimited) reply.header('retry-after', String(error.details.retryAfterSeconds ?? 1));
  return reply.code(HTTP_STATUS_BY_CODE[error.code]).send({ error: error.message, code: error.code });
}

function allowOrigin(reply: FastifyReply, origin: string): void {
  reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
}

/**
 * The website chat's HTTP side: the widget script, visitor sessions (CORS limited to each
 * channel's allowed origins) and the endpoint a channel's bot posts its replies to. Everything else the
 * widget does goes over the GraphQL WebSocket with the visitor token.
 */
export async function registerWebchatRoutes(app: FastifyInstance, config: Config, services: Services): Promise<void> {
  const widgetScript = await readFile(widgetFile);
  // Compressed once at start: about a third of the size for every page view of every tenant's site.
  const widgetScriptGzip = gzipSync(widgetScript);

  // Bodies are read raw: the bot's signature covers the exact bytes it sent.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });

  app.get('/widget.js', async (request, reply) => {
    reply
      .type('application/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('x-content-type-options', 'nosniff')
      .header('vary', 'Accept-Encoding');
    if (/\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) {
      return reply.header('content-encoding', 'gzip').send(widgetScriptGzip);
    }
    return reply.send(widgetScript);
  });

  app.options<{ Params: { publicKey: string } }>('/webchat/:publicKey/session', async (request, reply) => {
    const origin = request.headers.origin;
    try {
      await services.webchatSession.checkOrigin(request.params.publicKey, origin);
    } catch (error) {
      return sendAppError(reply, error);
    }
    allowOrigin(reply, origin!);
    return reply
      .header('access-control-allow-methods', 'POST')
      .header('access-control-allow-headers', 'content-type')
      .header('access-control-max-age', '600')
      .code(204)
      .send();
  });

  app.post<{ Params: { publicKey: string } }>('/webchat/:publicKey/session', async (request, reply) => {
    const origin = request.headers.origin;
    const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8').trim() : '';
    let body: z.infer<typeof sessionBodySchema> = {};
    try {
      const parsed = sessionBodySchema.safeParse(raw === '' ? {} : JSON.parse(raw));
      if (parsed.success) body = parsed.data;
      else throw new AppError(ErrorCode.BadUserInput, 'The body must be JSON with optional string fields "token" and "locale".');
    } catch (error) {
      if (origin) allowOrigin(reply, origin);
      return sendAppError(reply, error instanceof AppError ? error : new AppError(ErrorCode.BadUserInput, 'The body is not valid JSON.'));
    }

    try {
      const session = await services.webchatSession.startSession({
        publicKey: request.params.publicKey,
        origin,
        token: body.token,
        locale: body.locale,
        clientAddress: request.ip,
        publicBaseUrl: config.publicUrlIsSet ? config.publicUrl : `${request.protocol}://${request.host}`,
      });
      allowOrigin(reply, origin!);
      return reply.send({ ...session, handler: session.handler.toUpperCase() });
    } catch (error) {
      if (origin && error instanceof AppError && READABLE_BY_PAGE.has(error.code)) allowOrigin(reply, origin);
      return sendAppError(reply, error);
    }
  });

  app.post<{ Params: { channelId: string } }>('/webchat/bot/:channelId/messages', async (request, reply) => {
    const rawBody = request.body;
    if (!Buffer.isBuffer(rawBody)) return reply.code(415).send({ error: 'Send the request as application/json.' });
    const signature = request.headers[BOT_SIGNATURE_HEADER];
    try {
      const result = await services.bot.receiveBotRequest(
        request.params.channelId,
        rawBody,
        typeof signature === 'string' ? signature : undefined,
      );
      return reply.send({
        messageId: result.message ? toGlobalId('Message', result.message.id) : null,
        handler: result.handler.toUpperCase(),
      });
    } catch (error) {
      return sendAppError(reply, error);
    }
  });
}
