import type { Logger } from '../logger.js';
import type { EventBus } from './event-bus.js';
import type { PendingPublication } from './publications.js';

/**
 * Sends publications collected during a committed transaction. A failure is logged, not thrown:
 * the data is already stored, and live subscribers catch up on their next query.
 */
export async function publishAll(bus: EventBus, publications: PendingPublication[], log: Logger): Promise<void> {
  const seenConversations = new Set<string>();
  for (const publication of publications) {
    if (publication.topic === 'conversation') {
      if (seenConversations.has(publication.payload.conversationId)) continue;
      seenConversations.add(publication.payload.conversationId);
    }
    try {
      await bus.publish(publication.tenantId, publication.topic, publication.payload);
    } catch (error) {
      log.error({ err: error, topic: publication.topic, tenantId: publication.tenantId }, 'event bus publish failed');
    }
  }
}
