import jwt from 'jsonwebtoken';
import { z } from 'zod';

// A separate audience keeps visitor and agent tokens apart although one key signs both: an agent
// token is never accepted as a visitor's, nor the other way round.
const VISITOR_AUDIENCE = 'parley-visitor';

/**
 * Lifetime of a visitor token. The widget keeps the token in localStorage, so the visitor comes
 * back to the same conversation while it is valid. Each session issues a fresh token, so the
 * period runs from the visitor's last visit.
 */
export const VISITOR_TOKEN_TTL_SECONDS = 180 * 24 * 60 * 60; // 180 days

const visitorClaimsSchema = z.object({
  sub: z.uuid(),
  tid: z.uuid(),
  chn: z.uuid(),
  cnv: z.uuid(),
});

export interface VisitorClaims {
  tenantId: string;
  channelId: string;
  contactId: string;
  conversationId: string;
}

export function signVisitorToken(claims: VisitorClaims, secret: string): string {
  return jwt.sign({ tid: claims.tenantId, chn: claims.channelId, cnv: claims.conversationId }, secret, {
    algorithm: 'HS256',
    subject: claims.contactId,
    audience: VISITOR_AUDIENCE,
    expiresIn: VISITOR_TOKEN_TTL_SECONDS,
  });
}

/** Returns the claims of a valid visitor token, or undefined when it is expired, forged or another kind. */
export function verifyVisitorToken(token: string, secret: string): VisitorClaims | undefined {
  try {
    const payload = jwt.verify(token, secret, { algorithms: ['HS256'], audience: VISITOR_AUDIENCE });
    const claims = visitorClaimsSchema.safeParse(payload);
    if (!claims.success) return undefined;
    return {
      tenantId: claims.data.tid,
      channelId: claims.data.chn,
      contactId: claims.data.sub,
      conversationId: claims.data.cnv,
    };
  } catch {
    return undefined;
  }
}
