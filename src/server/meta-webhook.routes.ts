import type { FastifyInstance } from 'fastify';
import { isValidMetaSignature } from '../channels/meta/signature.js';
import { sanitizeJson } from '../channels/sanitize.js';
import { InvalidWebhookError, parseMetaWebhook } from '../channels/meta/webhook-parser.js';
import type { Config } from '../config/config.js';
import { ingestWebhook, type IngestDependencies } from '../ingest/ingest-webhook.js';
import { requestLogger } from './context.js';

interface VerificationQuery {
  'hub.mode'?: string;
  'hub.verify_token'?: string;
  'hub.challenge'?: string;
}

/**
 * Meta's webhook endpoint. POST bodies are read raw, because the signature covers the exact bytes
 * Meta sent; re-serialized JSON would not match. The order is verify → parse → commit → 200, so
 * a 200 always means the data is stored, and any failure makes Meta redeliver.
 */
export async function registerMetaWebhookRoutes(
  app: FastifyInstance,
  config: Config,
  ingest: Omit<IngestDependencies, 'log'>,
): Promise<void> {
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });

  app.get<{ Querystring: VerificationQuery }>('/webhooks/meta', async (request, reply) => {
    const query = request.query;
    if (query['hub.mode'] === 'subscribe' && query['hub.verify_token'] === config.metaVerifyToken && query['hub.challenge']) {
      request.log.info('meta webhook verification succeeded');
      return reply.type('text/plain').send(query['hub.challenge']);
    }
    request.log.warn({ mode: query['hub.mode'] }, 'meta webhook verification failed');
    return reply.code(403).send({ error: 'Verification failed: hub.mode must be "subscribe" and hub.verify_token must match META_VERIFY_TOKEN.' });
  });

  app.post('/webhooks/meta', async (request, reply) => {
    const rawBody = request.body;
    if (!Buffer.isBuffer(rawBody)) {
      return reply.code(415).send({ error: 'Send the webhook as application/json.' });
    }
    const signature = request.headers['x-hub-signature-256'];
    if (!isValidMetaSignature(rawBody, typeof signature === 'string' ? signature : undefined, config.metaAppSecret)) {
      request.log.warn({ hasSignature: signature !== undefined }, 'meta webhook rejected: invalid signature');
      return reply.code(401).send({ error: 'Invalid or missing X-Hub-Signature-256; it must be the HMAC-SHA256 of the body with the app secret.' });
    }

    let body: unknown;
    try {
      body = sanitizeJson(JSON.parse(rawBody.toString('utf8')));
    } catch {
      return reply.code(400).send({ error: 'The body is not valid JSON.' });
    }

    let parsed;
    try {
      parsed = parseMetaWebhook(body);
    } catch (error) {
      if (error instanceof InvalidWebhookError) return reply.code(400).send({ error: error.message });
      throw error;
    }

    const log = requestLogger(request).child({ webhook: 'meta' });
    const summary = await ingestWebhook({ ...ingest, log }, parsed);
    log.info(summary, 'meta webhook stored');
    return reply.code(200).type('text/plain').send('EVENT_RECEIVED');
  });
}
