import type { Viewer } from '../auth/viewer.js';
import { findAgent, listAgents, type AgentRow } from '../db/queries/agents.js';
import { listChannels, type ChannelRow } from '../db/queries/channels.js';
import { findContact, type ContactRow } from '../db/queries/contacts.js';
import { notFound } from '../errors/app-error.js';
import { requireAgent } from './authorization.js';
import type { ServiceDependencies } from './dependencies.js';

/** Read access to the tenant's agents, contacts and channels. */
export function createDirectoryService(deps: ServiceDependencies) {
  return {
    async me(viewer: Viewer): Promise<AgentRow> {
      const agent = requireAgent(viewer);
      const row = await deps.db.withTenant(agent.tenantId, (tx) => findAgent(tx, agent.agentId));
      if (!row) throw notFound('Agent', agent.agentId);
      return row;
    },

    listAgents(viewer: Viewer): Promise<AgentRow[]> {
      const agent = requireAgent(viewer);
      return deps.db.withTenant(agent.tenantId, (tx) => listAgents(tx));
    },

    findAgent(viewer: Viewer, agentId: string): Promise<AgentRow | undefined> {
      const agent = requireAgent(viewer);
      return deps.db.withTenant(agent.tenantId, (tx) => findAgent(tx, agentId));
    },

    findContact(viewer: Viewer, contactId: string): Promise<ContactRow | undefined> {
      const agent = requireAgent(viewer);
      return deps.db.withTenant(agent.tenantId, (tx) => findContact(tx, contactId));
    },

    /**
     * Returns the agent who wrote a message. Visitors get undefined: the widget shows no agent
     * data at all, not even a display name.
     */
    async findMessageAuthor(viewer: Viewer, agentId: string): Promise<AgentRow | undefined> {
      if (viewer.kind === 'visitor') return undefined;
      const agent = requireAgent(viewer);
      return deps.db.withTenant(agent.tenantId, (tx) => findAgent(tx, agentId));
    },

    listChannels(viewer: Viewer): Promise<ChannelRow[]> {
      const agent = requireAgent(viewer);
      return deps.db.withTenant(agent.tenantId, (tx) => listChannels(tx));
    },
  };
}

export type DirectoryService = ReturnType<typeof createDirectoryService>;
