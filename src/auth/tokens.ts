import jwt from 'jsonwebtoken';
import { z } from 'zod';
import type { AgentRole } from './viewer.js';

// Each kind of token has its own audience, so an agent's token is never accepted as an
// operator's, nor the other way round, although both are signed with JWT_SECRET.
const AGENT_AUDIENCE = 'parley-agent';
const OPERATOR_AUDIENCE = 'parley-operator';

const agentClaimsSchema = z.object({
  sub: z.uuid(),
  tid: z.uuid(),
  role: z.enum(['admin', 'supervisor', 'agent']),
});

const operatorClaimsSchema = z.object({ sub: z.uuid() });

export interface AgentClaims {
  agentId: string;
  tenantId: string;
  role: AgentRole;
}

export interface OperatorClaims {
  operatorId: string;
}

export function signAgentToken(claims: AgentClaims, secret: string, ttlSeconds: number): string {
  return jwt.sign({ tid: claims.tenantId, role: claims.role }, secret, {
    algorithm: 'HS256',
    subject: claims.agentId,
    audience: AGENT_AUDIENCE,
    expiresIn: ttlSeconds,
  });
}

export function signOperatorToken(claims: OperatorClaims, secret: string, ttlSeconds: number): string {
  return jwt.sign({}, secret, {
    algorithm: 'HS256',
    subject: claims.operatorId,
    audience: OPERATOR_AUDIENCE,
    expiresIn: ttlSeconds,
  });
}

function verifyClaims(token: string, secret: string, audience: string): unknown {
  try {
    return jwt.verify(token, secret, { algorithms: ['HS256'], audience });
  } catch {
    return undefined;
  }
}

/** Returns the claims of a valid agent token, or undefined when it is expired, forged, malformed or not an agent's. */
export function verifyAgentToken(token: string, secret: string): AgentClaims | undefined {
  const claims = agentClaimsSchema.safeParse(verifyClaims(token, secret, AGENT_AUDIENCE));
  if (!claims.success) return undefined;
  return { agentId: claims.data.sub, tenantId: claims.data.tid, role: claims.data.role };
}

/** Returns the claims of a valid operator token, or undefined otherwise. */
export function verifyOperatorToken(token: string, secret: string): OperatorClaims | undefined {
  const claims = operatorClaimsSchema.safeParse(verifyClaims(token, secret, OPERATOR_AUDIENCE));
  return claims.success ? { operatorId: claims.data.sub } : undefined;
}
