import type { AgentRow } from '../db/queries/agents.js';

/** The name an erased agent's past messages show. */
export const FORMER_AGENT_NAME = 'Former agent';

/**
 * Stored in place of an erased agent's password hash. It is not a PHC string, so argon2 rejects
 * every password against it, and it marks the agent as erased for token checks.
 */
export const ERASED_PASSWORD_HASH = '!erased';

/** Returns a non-deliverable address: RFC 2606 reserves the .invalid top-level domain. */
export function erasedAgentEmail(agentId: string): string {
  return `erased-${agentId}@erased.invalid`;
}

export function isErasedAgent(agent: Pick<AgentRow, 'passwordHash'>): boolean {
  return agent.passwordHash === ERASED_PASSWORD_HASH;
}
