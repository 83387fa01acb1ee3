import type { Viewer } from '../auth/viewer.js';
import { findConversation } from '../db/queries/conversations.js';
import { badInput, notFound, rateLimited } from '../errors/app-error.js';
import { typingPublication } from '../events/publications.js';
import { publishAll } from '../events/publish.js';
import { requireAgent } from './authorization.js';
import type { ServiceDependencies } from './dependencies.js';
import type { RateLimiter } from './rate-limiter.js';

/**
 * Typing indicators between a visitor and the agents. They travel on the event bus only and are
 * never stored: a subscriber who connects later does not learn that someone was typing.
 */
export function createTypingService(deps: ServiceDependencies, typingLimiter: RateLimiter) {
  return {
    /**
     * Publishes that the viewer started or stopped typing. A visitor always signals in its own
     * conversation, whatever id it passes; an agent names the conversation, which must exist.
     */
    async setTyping(viewer: Viewer, conversationId: string | undefined, isTyping: boolean): Promise<boolean> {
      if (viewer.kind === 'visitor') {
        const waitMs = typingLimiter.consume(viewer.conversationId);
        if (waitMs > 0) {
          const seconds = Math.ceil(waitMs / 1000);
          throw rateLimited(`Typing updates are sent too often; try again in ${seconds} s.`, seconds);
        }
        const publication = typingPublication(viewer.tenantId, { conversationId: viewer.conversationId, actor: 'visitor', isTyping });
        await publishAll(deps.bus, [publication], deps.log);
        return isTyping;
      }

      const agent = requireAgent(viewer);
      if (!conversationId) throw badInput('Agents must name the conversation: setTyping(conversationId, isTyping).', { argument: 'conversationId' });
      const conversation = await deps.db.withTenant(agent.tenantId, (tx) => findConversation(tx, conversationId));
      if (!conversation) throw notFound('Conversation', conversationId);
      await publishAll(deps.bus, [typingPublication(agent.tenantId, { conversationId, actor: 'agent', isTyping })], deps.log);
      return isTyping;
    },
  };
}

export type TypingService = ReturnType<typeof createTypingService>;
