import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ChannelKind } from '../normalized-event.js';
import { metaId } from './common.js';

/**
 * Channels whose contact ids Meta's data-deletion callback can name. WhatsApp is left out: its
 * contacts are phone numbers, never an app-scoped user id.
 * NOTE: Messenger and Page ids are page-scoped, and Meta sends the app-scoped id of the user, so
 * they match only where Meta uses the same id for both.
 */
export const DATA_DELETION_CHANNEL_KINDS: ChannelKind[] = ['messenger', 'facebook_page', 'instagram'];

const payloadSchema = z
  .object({
    algorithm: z.string(),
    user_id: metaId,
    issued_at: z.number().optional(),
  })
  .loose();

export type SignedRequestResult =
  | { ok: true; userId: string; issuedAt: Date | undefined }
  | { ok: false; status: 400 | 401; message: string };

/** Decodes base64url, and also the standard alphabet with padding, as Meta's own examples use both. */
function decodeBase64Url(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return undefined;
  return Buffer.from(text.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, ''), 'base64url');
}

/**
 * Verifies and decodes a Facebook signed_request: "<signature>.<payload>", both base64url, where
 * the signature is the HMAC-SHA256 of the payload part exactly as sent, keyed with the app
 * secret. A malformed value is a 400; a signature that does not match is a 401.
 */
export function parseSignedRequest(signedRequest: string, appSecret: string): SignedRequestResult {
  const dot = signedRequest.indexOf('.');
  const encodedSignature = signedRequest.slice(0, dot);
  const encodedPayload = signedRequest.slice(dot + 1);
  if (dot <= 0 || encodedPayload === '' || encodedPayload.includes('.')) {
    return { ok: false, status: 400, message: 'signed_request must be "<signature>.<payload>", both base64url-encoded.' };
  }
  const signature = decodeBase64Url(encodedSignature);
  const payloadBytes = decodeBase64Url(encodedPayload);
  if (!signature || !payloadBytes) {
    return { ok: false, status: 400, message: 'signed_request is not base64url-encoded.' };
  }

  const expected = createHmac('sha256', appSecret).update(encodedPayload).digest();
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
    return { ok: false, status: 401, message: 'The signed_request signature does not match; it must be signed with the app secret (META_APP_SECRET).' };
  }

  let payload: unknown;
  try {
    payload = JSON.parse(payloadBytes.toString('utf8'));
  } catch {
    return { ok: false, status: 400, message: 'The signed_request payload is not JSON.' };
  }
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) {
    return { ok: false, status: 400, message: 'The signed_request payload needs "algorithm" and "user_id".' };
  }
  if (parsed.data.algorithm.toUpperCase() !== 'HMAC-SHA256') {
    return { ok: false, status: 400, message: `The signed_request algorithm must be HMAC-SHA256; got "${parsed.data.algorithm}".` };
  }
  return {
    ok: true,
    userId: parsed.data.user_id,
    issuedAt: parsed.data.issued_at === undefined ? undefined : new Date(parsed.data.issued_at * 1000),
  };
}

/** Builds a signed_request as Meta does, for tests and local trials. */
export function signRequestPayload(payload: Record<string, unknown>, appSecret: string): string {
  const encodedPayload = Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signature = createHmac('sha256', appSecret).update(encodedPayload).digest('base64url');
  return `${signature}.${encodedPayload}`;
}
