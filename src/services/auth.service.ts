import { LoginThrottle } from '../auth/login-throttle.js';
import { signAgentToken, signOperatorToken, verifyAgentToken, verifyOperatorToken } from '../auth/tokens.js';
import { verifyAgainstDummyHash, verifyPassword } from '../auth/passwords.js';
import { anonymousViewer, type Viewer } from '../auth/viewer.js';
import { findAgentByEmail, findAgentWithTenantStatus, type AgentRow } from '../db/queries/agents.js';
import { insertAuditEntry } from '../db/queries/audit-log.js';
import { findOperator, findOperatorByEmail, type OperatorRow } from '../db/queries/operators.js';
import { verifyVisitorToken } from '../auth/visitor-tokens.js';
import { findConversation } from '../db/queries/conversations.js';
import { findTenant, findTenantBySlug } from '../db/queries/tenants.js';
import { AppError, ErrorCode, tenantSuspended, unauthenticated } from '../errors/app-error.js';
import { isErasedAgent } from '../privacy/erased-agent.js';
import type { ServiceDependencies } from './dependencies.js';

export interface LoginResult {
  token: string;
  expiresAt: Date;
  agent: AgentRow;
}

export interface OperatorLoginResult {
  token: string;
  expiresAt: Date;
  operator: OperatorRow;
}

const INVALID_CREDENTIALS = 'Invalid tenant, email or password.';
const INVALID_OPERATOR_CREDENTIALS = 'Invalid email or password.';
/** Failed logins allowed within LOGIN_WINDOW_MS per account, and per client address (offices share one). */
const MAX_FAILURES_PER_ACCOUNT = 10;
const MAX_FAILURES_PER_ADDRESS = 100;
const LOGIN_WINDOW_MS = 15 * 60 * 1000;

export function createAuthService(deps: ServiceDependencies) {
  const expiresAt = () => new Date(Date.now() + deps.config.jwtTtlSeconds * 1000);
  const accountThrottle = new LoginThrottle(MAX_FAILURES_PER_ACCOUNT, LOGIN_WINDOW_MS);
  const addressThrottle = new LoginThrottle(MAX_FAILURES_PER_ADDRESS, LOGIN_WINDOW_MS);

  async function visitorFromToken(token: string): Promise<Viewer> {
    const claims = verifyVisitorToken(token, deps.config.jwtSecret);
    if (!claims) throw unauthenticated('The access token is invalid or expired; log in again.');
    const { conversation, tenant } = await deps.db.withTenant(claims.tenantId, async (tx) => ({
      conversation: await findConversation(tx, claims.conversationId),
      tenant: await findTenant(tx, claims.tenantId),
    }));
    if (!conversation || conversation.contactId !== claims.contactId || conversation.channelId !== claims.channelId) {
      throw unauthenticated('The conversation of this visitor token no longer exists; start a new webchat session.');
    }
    // A suspended tenant stores nothing new, from visitors as from webhooks.
    if (tenant?.status === 'suspended') throw tenantSuspended();
    return {
      kind: 'visitor',
      tenantId: claims.tenantId,
      channelId: claims.channelId,
      contactId: claims.contactId,
      conversationId: claims.conversationId,
    };
  }

  return {
    /**
     * Checks an agent's password and returns a signed token. The error never names the part that
     * was wrong; a suspended tenant is named only after the password matched. After too many
     * failures for one account or one client address, logins are refused with RATE_LIMITED until
     * the window passes.
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
      if (!tenant || !agent || !passwordMatches) {
        accountThrottle.recordFailure(accountKey);
        addressThrottle.recordFailure(clientAddress);
        throw new AppError(ErrorCode.Unauthenticated, INVALID_CREDENTIALS);
      }
      accountThrottle.reset(accountKey);
      if (tenant.status === 'suspended') throw tenantSuspended();

      const token = signAgentToken(
        { agentId: agent.id, tenantId: agent.tenantId, role: agent.role },
        deps.config.jwtSecret,
        deps.config.jwtTtlSeconds,
      );
      return { token, expiresAt: expiresAt(), agent };
    },

    /** Checks an operator's password, records the attempt in the platform's audit log and returns a token. */
    /**
     * Checks an operator's password and returns a signed token, throttled like agent logins: after
     * too many failures for the email or the client address, RATE_LIMITED until the window passes.
     */
    async operatorLogin(email: string, password: string, clientAddress = 'unknown'): Promise<OperatorLoginResult> {
      const normalizedEmail = email.trim().toLowerCase();
      const accountKey = `operator:${normalizedEmail}`;
      if (accountThrottle.isBlocked(accountKey) || addressThrottle.isBlocked(clientAddress)) {
        throw new AppError(ErrorCode.RateLimited, 'Too many failed logins; wait 15 minutes before trying again.');
      }
      // PostgreSQL cannot compare text containing NUL; no operator has such an email.
      const operator = normalizedEmail.includes('\u0000')
        ? undefined
        : await deps.db.withSystem((tx) => findOperatorByEmail(tx, email.trim()));
      const passwordMatches = operator
        ? await verifyPassword(operator.passwordHash, password)
        : await verifyAgainstDummyHash(password);
      // Only attempts on an existing operator are recorded: an unknown email has no actor to name.
      if (operator) {
        await deps.db.withSystem((tx) =>
          insertAuditEntry(tx, {
            tenantId: null,
            actorKind: 'operator',
            actorId: operator.id,
            action: passwordMatches ? 'operator_logged_in' : 'operator_login_failed',
          }),
        );
      }
      if (!operator || !passwordMatches) {
        accountThrottle.recordFailure(accountKey);
        addressThrottle.recordFailure(clientAddress);
        throw new AppError(ErrorCode.Unauthenticated, INVALID_OPERATOR_CREDENTIALS);
      }
      accountThrottle.reset(accountKey);

      const token = signOperatorToken({ operatorId: operator.id }, deps.config.jwtSecret, deps.config.jwtTtlSeconds);
      return { token, expiresAt: expiresAt(), operator };
    },

    /**
     * Resolves a bearer token, an agent's, an operator's or a webchat visitor's, to a viewer. The
     * agent, operator or visitor's conversation is read from the database on every request, so a deleted or erased agent, a changed role or a suspended tenant takes
     * effect at once rather than at token expiry. A missing token gives the anonymous viewer; a
     * present but invalid one throws.
     */
    async viewerFromToken(token: string | undefined): Promise<Viewer> {
      if (!token) return anonymousViewer;

      const agentClaims = verifyAgentToken(token, deps.config.jwtSecret);
      if (agentClaims) {
        const agent = await deps.db.withTenant(agentClaims.tenantId, (tx) => findAgentWithTenantStatus(tx, agentClaims.agentId));
        if (!agent || isErasedAgent(agent)) throw unauthenticated('The agent for this token no longer exists; log in again.');
        if (agent.tenantStatus === 'suspended') throw tenantSuspended();
        return { kind: 'agent', tenantId: agent.tenantId, agentId: agent.id, role: agent.role };
      }

      const operatorClaims = verifyOperatorToken(token, deps.config.jwtSecret);
      if (operatorClaims) {
        const operator = await deps.db.withSystem((tx) => findOperator(tx, operatorClaims.operatorId));
        if (!operator) throw unauthenticated('The operator for this token no longer exists; log in again.');
        return { kind: 'operator', operatorId: operator.id };
      }

      return visitorFromToken(token);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
