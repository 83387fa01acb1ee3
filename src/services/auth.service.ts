import { signAgentToken, verifyAgentToken } from '../auth/tokens.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import { verifyAgainstDummyHash, verifyPassword } from '../auth/passwords.js';
import { anonymousViewer, type Viewer } from '../auth/viewer.js';
import { findAgent, findAgentByEmail, type AgentRow } from '../db/queries/agents.js';
import { findTenantBySlug } from '../db/queries/tenants.js';
import { AppError, ErrorCode, unauthenticated } from '../errors/app-error.js';
import type { ServiceDependencies } from './dependencies.js';

export interface LoginResult {
  token: string;
  expiresAt: Date;
  agent: AgentRow;
}

const INVALID_CREDENTIALS = 'Invalid tenant, email or password.';
/** Failed logins allowed within LOGIN_WINDOW_MS per account, and per client address (offices share one). */
const MAX_FAILURES_PER_ACCOUNT = 10;
const MAX_FAILURES_PER_ADDRESS = 100;
const LOGIN_WINDOW_MS = 15 * 60 * 1000;

export function createAuthService(deps: ServiceDependencies) {
  const accountThrottle = new LoginThrottle(MAX_FAILURES_PER_ACCOUNT, LOGIN_WINDOW_MS);
  const addressThrottle = new LoginThrottle(MAX_FAILURES_PER_ADDRESS, LOGIN_WINDOW_MS);

  return {
    /**
     * Checks an agent's password and returns a signed token. The error never says which part was
     * wrong. After too many failures for one account or one client address, logins are refused
     * with RATE_LIMITED until the window passes.
     */
    async login(tenantSlug: string, email: string, password: string, clientAddress = 'unknown'): Promise<LoginResult> {
      const slug = tenantSlug.trim().toLowerCase();
      const normalizedEmail = email.trim().toLowerCase();
      const accountKey = `${slug}:${normalizedEmail}`;
      if (accountThrottle.isBlocked(accountKey) || addressThrottle.isBlocked(clientAddress)) {
        throw new AppError(ErrorCode.RateLimited, 'Too many failed logins; wait 15 minutes before trying again.');
      }

      // PostgreSQL cannot compare text containing NUL; no account has such a name.
      const usable = !`${slug}${normalizedEmail}`.includes('\u0000');
      const tenant = usable ? await deps.db.withSystem((tx) => findTenantBySlug(tx, slug)) : undefined;
      const agent = tenant
        ? await deps.db.withTenant(tenant.id, (tx) => findAgentByEmail(tx, normalizedEmail))
        : undefined;
      const passwordMatches = agent
        ? await verifyPassword(agent.passwordHash, password)
        : await verifyAgainstDummyHash(password);
      if (!agent || !passwordMatches) {
        accountThrottle.recordFailure(accountKey);
        addressThrottle.recordFailure(clientAddress);
        deps.log.info({ tenantId: tenant?.id ?? null, knownAgent: Boolean(agent) }, 'agent login failed');
        throw new AppError(ErrorCode.Unauthenticated, INVALID_CREDENTIALS);
      }
      accountThrottle.reset(accountKey);

      const token = signAgentToken(
        { agentId: agent.id, tenantId: agent.tenantId, role: agent.role },
        deps.config.jwtSecret,
        deps.config.jwtTtlSeconds,
      );
      return { token, expiresAt: new Date(Date.now() + deps.config.jwtTtlSeconds * 1000), agent };
    },

    /**
     * Resolves a bearer token to a viewer. The agent is read from the database on every request,
     * so a deleted agent or a changed role takes effect at once rather than at token expiry.
     * A missing token gives the anonymous viewer; a present but invalid one throws.
     */
    async viewerFromToken(token: string | undefined): Promise<Viewer> {
      if (!token) return anonymousViewer;
      const claims = verifyAgentToken(token, deps.config.jwtSecret);
      if (!claims) throw unauthenticated('The access token is invalid or expired; log in again.');
      const agent = await deps.db.withTenant(claims.tenantId, (tx) => findAgent(tx, claims.agentId));
      if (!agent) throw unauthenticated('The agent for this token no longer exists; log in again.');
      return { kind: 'agent', tenantId: agent.tenantId, agentId: agent.id, role: agent.role };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
