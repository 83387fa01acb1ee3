import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseSignedRequest } from '../channels/meta/signed-request.js';
import type { Config } from '../config/config.js';
import type { MetaDeletionRequestRow } from '../db/queries/meta-deletion-requests.js';
import { escapeHtml } from '../privacy/export-html.js';
import { DATA_DELETION_STATUS_PATH, type MetaDataDeletionService } from '../services/meta-data-deletion.service.js';
import { requestLogger } from './context.js';

const CONFIRMATION_CODE_PATTERN = /^[0-9a-f]{32}$/;

const STATUS_TEXT: Record<string, string> = {
  pending: 'Your request was received and the deletion is in progress.',
  completed: 'The deletion is done: Parley holds no more data received from Meta about you.',
  failed: 'The deletion failed. Please contact the business you wrote to and give them this confirmation code.',
};

function statusJson(request: MetaDeletionRequestRow) {
  return {
    confirmation_code: request.confirmationCode,
    status: request.status,
    done: request.status === 'completed',
    requested_at: request.createdAt.toISOString(),
    completed_at: request.completedAt?.toISOString() ?? null,
  };
}

function statusHtml(request: MetaDeletionRequestRow): string {
  const completed = request.completedAt ? `<p>Finished: ${escapeHtml(request.completedAt.toISOString())}</p>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Data deletion status</title>
<style>body { font: 16px/1.5 system-ui, sans-serif; margin: 3rem auto; max-width: 36rem; padding: 0 1rem; }</style></head>
<body>
<h1>Data deletion request</h1>
<p>Confirmation code: <code>${escapeHtml(request.confirmationCode)}</code></p>
<p><strong>Status: ${escapeHtml(request.status)}.</strong> ${escapeHtml(STATUS_TEXT[request.status] ?? '')}</p>
<p>Received: ${escapeHtml(request.createdAt.toISOString())}</p>
${completed}
</body>
</html>
`;
}

/** Prefers JSON when the client asks for it by `format=json` or an Accept header without HTML. */
function wantsJson(request: FastifyRequest<{ Querystring: { format?: string } }>): boolean {
  if (request.query.format === 'json') return true;
  if (request.query.format === 'html') return false;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

function sendProblem(request: FastifyRequest<{ Querystring: { format?: string } }>, reply: FastifyReply, status: number, message: string) {
  if (wantsJson(request)) return reply.code(status).send({ error: message });
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Data deletion status</title></head><body><p>${escapeHtml(message)}</p></body></html>\n`);
}

/**
 * Registers Meta's data-deletion callback and the status page its response links to. The callback verifies
 * the signed_request before touching anything, so a bad signature changes nothing.
 */
export async function registerMetaDataDeletionRoutes(
  app: FastifyInstance,
  config: Config,
  service: MetaDataDeletionService,
): Promise<void> {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.post('/webhooks/meta/data-deletion', async (request, reply) => {
    const log = requestLogger(request).child({ webhook: 'meta-data-deletion' });
    const form = (request.body ?? {}) as Record<string, unknown>;
    const signedRequest = form.signed_request;
    if (typeof signedRequest !== 'string' || signedRequest === '') {
      log.warn('meta data deletion rejected: no signed_request');
      return reply.code(400).send({ error: 'Missing signed_request: send it as a form field (application/x-www-form-urlencoded).' });
    }

    const verified = parseSignedRequest(signedRequest, config.metaAppSecret);
    if (!verified.ok) {
      log.warn({ status: verified.status }, 'meta data deletion rejected');
      return reply.code(verified.status).send({ error: verified.message });
    }

    const receipt = await service.requestDeletion(verified.userId);
    return reply.code(200).send({ url: receipt.url, confirmation_code: receipt.confirmationCode });
  });

  app.get<{ Querystring: { code?: string; format?: string } }>(DATA_DELETION_STATUS_PATH, async (request, reply) => {
    const code = request.query.code ?? '';
    if (!CONFIRMATION_CODE_PATTERN.test(code)) {
      return sendProblem(request, reply, 400, 'Missing or malformed confirmation code: use the link from the deletion confirmation.');
    }
    const found = await service.findRequest(code);
    if (!found) return sendProblem(request, reply, 404, `No data deletion request has the confirmation code ${code}.`);
    if (wantsJson(request)) return reply.send(statusJson(found));
    return reply.type('text/html; charset=utf-8').send(statusHtml(found));
  });
}
