import type { AgentRole, Viewer } from '../auth/viewer.js';
import { findAgent, lockAdmins, updateAgentRole, type AgentRow } from '../db/queries/agents.js';
import { insertAuditEntry } from '../db/queries/audit-log.js';
import { AppError, ErrorCode, notFound } from '../errors/app-error.js';
import { requireRole } from './authorization.js';
import type { ServiceDependencies } from './dependencies.js';

/** Changes agents' roles; admins only, and a tenant always keeps at least one admin. */
export function createAgentRoleService(deps: ServiceDependencies) {
  return {
    async updateRole(viewer: Viewer, agentId: string, role: AgentRole): Promise<AgentRow> {
      const admin = requireRole(viewer, 'admin', "change an agent's role");

      const updated = await deps.db.withTenant(admin.tenantId, async (tx) => {
        // Locking every admin row first makes concurrent demotions take turns, so each reads the
        // other's result and the last admin cannot be demoted by two requests at once.
        const admins = await lockAdmins(tx);
        const agent = await findAgent(tx, agentId);
        if (!agent) throw notFound('Agent', agentId);
        if (agent.role === role) return agent;
        if (agent.role === 'admin' && admins.length <= 1) {
          throw new AppError(ErrorCode.Conflict, 'This agent is the last admin of the tenant; make another agent admin first.');
        }

        const changed = await updateAgentRole(tx, agentId, role);
        if (!changed) throw notFound('Agent', agentId);
        await insertAuditEntry(tx, {
          tenantId: admin.tenantId,
          actorKind: 'agent',
          actorId: admin.agentId,
          action: 'agent_role_changed',
          targetKind: 'agent',
          targetId: agentId,
          data: { from: agent.role, to: role },
        });
        return changed;
      });
      deps.log.info({ tenantId: admin.tenantId, agentId, role }, 'agent role changed');
      return updated;
    },
  };
}

export type AgentRoleService = ReturnType<typeof createAgentRoleService>;
