import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries the signature, in both directions between Parley and a bot. */
export const BOT_SIGNATURE_HEADER = 'x-parley-signature';
const SIGNATURE_PREFIX = 'sha256=';

/** Returns "sha256=" and the hex HMAC-SHA256 of the exact body bytes, keyed with the channel's bot secret. */
export function signBotPayload(rawBody: Buffer | string, botSecret: string): string {
  return SIGNATURE_PREFIX + createHmac('sha256', botSecret).update(rawBody).digest('hex');
}

/** Checks a signature made by signBotPayload; the comparison takes the same time wherever the digests differ. */
export function isValidBotSignature(rawBody: Buffer, header: string | undefined, botSecret: string): boolean {
  if (!header || !header.startsWith(SIGNATURE_PREFIX)) return false;
  const received = Buffer.from(header.slice(SIGNATURE_PREFIX.length), 'hex');
  const expected = createHmac('sha256', botSecret).update(rawBody).digest();
  return received.length === expected.length && timingSafeEqual(received, expected);
}
