import { signAgentToken, verifyAgentToken } from '../auth/tokens.js';
import { verifyVisitorToken } from '../auth/visitor-tokens.js';
import { verifyAgainstDummyHash, verifyPassword } from '../auth/passwords.js';
import { anonymousViewer, type Viewer } from '../auth/viewer.js';
import { findAgent, findAgentByEmail, type AgentRow } from '../db/queries/agents.js';
import { findConversation } from '../db/queries/conversations.js';
import { findTenantBySlug } from '../db/queries/tenants.js';
import { AppError, ErrorCode, unauthenticated } from '../errors/app-error.js';
import type { ServiceDependencies } from './dependencies.js';

export interface LoginResult {
  token: string;
  expiresAt: Date;
  agent: AgentRow;
}

const INVALID_CREDENTIALS = 'Invalid tenant, email or password.';

export function createAuthService(deps: ServiceDependencies) {
  async function visitorFromToken(token: string): Promise<Viewer> {
    const claims = verifyVisitorToken(token, deps.config.jwtSecret);
    if (!claims) throw unauthenticated('The access token is invalid or expired; log in again.');
    const conversation = await deps.db.withTenant(claims.tenantId, (tx) => findConversation(tx, claims.conversationId));
    if (!conversation || conversation.contactId !== claims.contactId || conversation.channelId !== claims.channelId) {
      throw unauthenticated('The conversation of this visitor token no longer exists; start a new webchat session.');
    }
    return {
      kind: 'visitor',
      tenantId: claims.tenantId,
      channelId: claims.channelId,
      contactId: claims.contactId,
      conversationId: claims.conversationId,
    };
  }

  return {
    /** Checks an agent's password and returns a signed token. The error never says which part was wrong. */
    async login(tenantSlug: string, email: string, password: string): Promise<LoginResult> {
      const tenant = await deps.db.withSystem((tx) => findTenantBySlug(tx, tenantSlug.trim().toLowerCase()));
      const agent = tenant
        ? await deps.db.withTenant(tenant.id, (tx) => findAgentByEmail(tx, email.trim()))
        : undefined;
      const passwordMatches = agent
        ? await verifyPassword(agent.passwordHash, password)
        : await verifyAgainstDummyHash(password);
      if (!agent || !passwordMatches) throw new AppError(ErrorCode.Unauthenticated, INVALID_CREDENTIALS);

      const token = signAgentToken(
        { agentId: agent.id, tenantId: agent.tenantId, role: agent.role },
        deps.config.jwtSecret,
        deps.config.jwtTtlSeconds,
      );
      return { token, expiresAt: new Date(Date.now() + deps.config.jwtTtlSeconds * 1000), agent };
    },

    /**
     * Resolves a bearer token, an agent's or a webchat visitor's, to a viewer. The agent or the
     * visitor's conversation is read from the database on every request, so a deleted agent, a
     * changed role or an erased conversation takes effect at once rather than at token expiry.
     * A missing token gives the anonymous viewer; a present but invalid one throws.
     */
    async viewerFromToken(token: string | undefined): Promise<Viewer> {
      if (!token) return anonymousViewer;
      const claims = verifyAgentToken(token, deps.config.jwtSecret);
      if (!claims) return visitorFromToken(token);
      const agent = await deps.db.withTenant(claims.tenantId, (tx) => findAgent(tx, claims.agentId));
      if (!agent) throw unauthenticated('The agent for this token no longer exists; log in again.');
      return { kind: 'agent', tenantId: agent.tenantId, agentId: agent.id, role: agent.role };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
