import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError, ErrorCode } from '../errors/app-error.js';
import type { MediaDownload, SignedMediaRequest } from '../services/media.service.js';
import type { Services } from '../services/services.js';
import { bearerToken } from './context.js';

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
};

/**
 * GET /media/:id serves a stored attachment to an agent of its tenant, either with the agent's
 * `Authorization: Bearer` token or with the signed query of an attachment's downloadUrl.
 */
export async function registerMediaRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.get<{ Params: { id: string }; Querystring: SignedMediaRequest }>('/media/:id', async (request, reply) => {
    try {
      if (request.query.signature !== undefined) {
        const download = await services.media.openWithSignature(request.params.id, request.query);
        // A browser may keep the file only while the URL is valid.
        const maxAge = Math.max(download.expires - Math.floor(Date.now() / 1000), 0);
        return sendFile(reply, download, `private, max-age=${maxAge}`);
      }
      const viewer = await services.auth.viewerFromToken(bearerToken(request.headers.authorization));
      const download = await services.media.openForAgent(viewer, request.params.id);
      return sendFile(reply, download, 'private, no-store');
    } catch (error) {
      const status = error instanceof AppError ? HTTP_STATUS[error.code] : undefined;
      if (!status || !(error instanceof AppError)) throw error;
      if (status === 401) reply.header('www-authenticate', 'Bearer');
      return reply.code(status).header('cache-control', 'no-store').send({ error: error.message, code: error.code });
    }
  });
}

// TODO(media): no Range support yet, so a video player cannot seek before the whole file has arrived.
function sendFile(reply: FastifyReply, download: MediaDownload, cacheControl: string) {
  reply
    .header('content-type', download.contentType)
    .header('content-disposition', `${download.inline ? 'inline' : 'attachment'}; filename="${download.fileName}"`)
    .header('cache-control', cacheControl)
    // The file comes from a visitor: the browser must neither guess another type nor run it as a page.
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox");
  if (download.byteSize !== undefined) reply.header('content-length', download.byteSize);
  return reply.send(download.body);
}
