import type { AgentRole, AgentViewer, Viewer } from '../auth/viewer.js';
import { forbidden, unauthenticated } from '../errors/app-error.js';

/** Returns the viewer as an agent, or throws UNAUTHENTICATED. */
export function requireAgent(viewer: Viewer): AgentViewer {
  if (viewer.kind !== 'agent') throw unauthenticated();
  return viewer;
}

const ROLE_RANK: Record<AgentRole, number> = { agent: 0, supervisor: 1, admin: 2 };

export function hasRoleAtLeast(viewer: AgentViewer, role: AgentRole): boolean {
  return ROLE_RANK[viewer.role] >= ROLE_RANK[role];
}

export function requireRole(viewer: Viewer, role: AgentRole, action: string): AgentViewer {
  const agent = requireAgent(viewer);
  if (!hasRoleAtLeast(agent, role)) {
    const allowed = role === 'admin' ? 'an admin' : `a ${role} or higher`;
    throw forbidden(`Only ${allowed} may ${action}; your role is ${agent.role}.`);
  }
  return agent;
}
