import type { AgentRole, AgentViewer, OperatorViewer, Viewer, VisitorViewer } from '../auth/viewer.js';
import { forbidden, unauthenticated } from '../errors/app-error.js';

/**
 * Returns the viewer as an agent. Throws UNAUTHENTICATED without a token, and FORBIDDEN for a
 * webchat visitor and for an operator: the platform operator never reads a tenant's contacts,
 * conversations or messages.
 */
export function requireAgent(viewer: Viewer): AgentViewer {
  if (viewer.kind === 'anonymous') throw unauthenticated();
  if (viewer.kind === 'visitor') throw forbidden('This operation is for agents; a webchat visitor token cannot use it.');
  if (viewer.kind !== 'agent') throw forbidden("Only a tenant's agents may do this; operators manage tenants, not their conversations.");
  return viewer;
}

/** Returns the viewer as an operator; throws UNAUTHENTICATED without a token and FORBIDDEN for an agent. */
export function requireOperator(viewer: Viewer): OperatorViewer {
  if (viewer.kind === 'anonymous') throw unauthenticated('Authentication required: send "Authorization: Bearer <token>" from the operatorLogin mutation.');
  if (viewer.kind !== 'operator') throw forbidden('Only a platform operator may do this.');
  return viewer;
}

/** Returns the viewer as a webchat visitor; throws UNAUTHENTICATED without a token and FORBIDDEN for an agent. */
export function requireVisitor(viewer: Viewer): VisitorViewer {
  if (viewer.kind === 'agent') {
    throw forbidden('This operation is for webchat visitors; agents use the conversation operations instead.');
  }
  if (viewer.kind !== 'visitor') {
    throw unauthenticated('Authentication required: send the visitor token from POST /webchat/<public key>/session.');
  }
  return viewer;
}

/** Returns the tenant of an agent or a visitor; throws UNAUTHENTICATED for anyone else. */
export function requireTenantMember(viewer: Viewer): AgentViewer | VisitorViewer {
  if (viewer.kind === 'anonymous') throw unauthenticated();
  if (viewer.kind === 'operator') throw forbidden("Operators manage tenants, not their conversations.");
  return viewer;
}

const ROLE_RANK: Record<AgentRole, number> = { agent: 0, supervisor: 1, admin: 2 };

export function hasRoleAtLeast(viewer: AgentViewer, role: AgentRole): boolean {
  return ROLE_RANK[viewer.role] >= ROLE_RANK[role];
}

export function requireRole(viewer: Viewer, role: AgentRole, action: string): AgentViewer {
  const agent = requireAgent(viewer);
  if (!hasRoleAtLeast(agent, role)) {
    const who = role === 'admin' ? 'an admin' : `a ${role} or higher`;
    throw forbidden(`Only ${who} may ${action}; your role is ${agent.role}.`);
  }
  return agent;
}
