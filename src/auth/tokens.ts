import jwt from 'jsonwebtoken';
import { z } from 'zod';
import type { AgentRole } from './viewer.js';

const TOKEN_AUDIENCE = 'parley-agent';

const agentClaimsSchema = z.object({
  sub: z.uuid(),
  tid: z.uuid(),
  role: z.enum(['admin', 'supervisor', 'agent']),
});

export interface AgentClaims {
  agentId: string;
  tenantId: string;
  role: AgentRole;
}

export function signAgentToken(claims: AgentClaims, secret: string, ttlSeconds: number): string {
  return jwt.sign({ tid: claims.tenantId, role: claims.role }, secret, {
    algorithm: 'HS256',
    subject: claims.agentId,
    audience: TOKEN_AUDIENCE,
    expiresIn: ttlSeconds,
  });
}

/** Returns the claims of a valid token, or undefined when it is expired, forged or malformed. */
export function verifyAgentToken(token: string, secret: string): AgentClaims | undefined {
  try {
    const payload = jwt.verify(token, secret, { algorithms: ['HS256'], audience: TOKEN_AUDIENCE });
    const claims = agentClaimsSchema.safeParse(payload);
    if (!claims.success) return undefined;
    return { agentId: claims.data.sub, tenantId: claims.data.tid, role: claims.data.role };
  } catch {
    return undefined;
  }
}
