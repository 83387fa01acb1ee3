import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** The access a signed download URL grants: one media object of one tenant until `expires`. */
export interface MediaUrlGrant {
  tenantId: string;
  mediaId: string;
  /** Expiry as Unix time in seconds. */
  expires: number;
}

// Base64url of a 32-byte HMAC-SHA256 without padding. Checked before decoding, because Node's
// decoder skips characters outside the alphabet and would accept a signature with extra ones.
const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface MediaUrlSigner {
  sign(grant: MediaUrlGrant): string;
  /** True when the signature matches the grant and the grant has not expired at `nowSeconds`. */
  verify(grant: MediaUrlGrant, signature: string, nowSeconds: number): boolean;
}

/**
 * Signs download URLs with HMAC-SHA256. The key is derived from JWT_SECRET with HKDF under its own
 * label, so a URL signature can never pass as a token signature or the other way round.
 */
export function createMediaUrlSigner(jwtSecret: string): MediaUrlSigner {
  const key = Buffer.from(hkdfSync('sha256', jwtSecret, 'parley', 'parley media download url v1', 32));
  const signatureOf = (grant: MediaUrlGrant) =>
    createHmac('sha256', key).update(`${grant.tenantId}\n${grant.mediaId}\n${grant.expires}`).digest();

  return {
    sign(grant) {
      return signatureOf(grant).toString('base64url');
    },
    verify(grant, signature, nowSeconds) {
      if (!Number.isSafeInteger(grant.expires) || grant.expires <= nowSeconds) return false;
      if (!SIGNATURE_PATTERN.test(signature)) return false;
      const expected = signatureOf(grant);
      const presented = Buffer.from(signature, 'base64url');
      return presented.length === expected.length && timingSafeEqual(presented, expected);
    },
  };
}
