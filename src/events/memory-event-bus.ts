import { EventEmitter } from 'node:events';
import type { Logger } from '../logger.js';
import { createSubscriptionQueue, topicName, type EventBus } from './event-bus.js';

/**
 * The embedded event bus: delivers within this process only, so it serves a single server
 * instance. Payloads go through a JSON round trip so that subscribers see exactly what the Redis
 * bus would deliver.
 */
export function createMemoryEventBus(log: Logger): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let count = 0;

  return {
    async publish(tenantId, topic, payload) {
      emitter.emit(topicName(tenantId, topic), JSON.stringify(payload));
    },
    async subscribe(tenantId, topic) {
      const name = topicName(tenantId, topic);
      const listener = (json: string) => queue.push(JSON.parse(json));
      const queue = createSubscriptionQueue(() => {
        emitter.off(name, listener);
        count -= 1;
      }, log);
      emitter.on(name, listener);
      count += 1;
      return queue.iterator;
    },
    subscriptionCount: () => count,
    isConnected: () => true,
    async close() {
      emitter.removeAllListeners();
    },
  };
}
