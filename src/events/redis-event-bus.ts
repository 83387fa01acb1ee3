import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { createSubscriptionQueue, topicName, type EventBus } from './event-bus.js';

/**
 * The event bus over Redis pub/sub, shared by every server instance on the same Redis.
 * Delivery is at most once: a subscriber that is disconnected misses what was published meanwhile.
 */
export async function createRedisEventBus(redisUrl: string, log: Logger): Promise<EventBus> {
  // Without the offline queue a publish fails at once while Redis is down, instead of holding
  // every webhook response for seconds; the data is committed and subscribers catch up by query.
  const publisher = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  const subscriber = new Redis(redisUrl, { lazyConnect: true });
  for (const [role, client] of [['publisher', publisher], ['subscriber', subscriber]] as const) {
    let errorCount = 0;
    client.on('error', (error: Error) => {
      errorCount += 1;
      // Reconnection retries repeat the same error many times a second: log the first and every 100th.
      if (errorCount === 1 || errorCount % 100 === 0) {
        log.error({ error: { type: error.name, message: error.message }, role, errorCount }, 'redis connection error');
      }
    });
    client.on('ready', () => {
      if (errorCount > 0) log.info({ role, errorCount }, 'redis connection restored');
      errorCount = 0;
    });
  }
  await Promise.all([publisher.connect(), subscriber.connect()]);

  const listenersByChannel = new Map<string, Set<(payload: unknown) => void>>();
  let confirmedCount = 0;

  subscriber.on('message', (channel: string, json: string) => {
    const listeners = listenersByChannel.get(channel);
    if (!listeners) return;
    let payload: unknown;
    try {
      payload = JSON.parse(json);
    } catch (error) {
      log.error({ err: error, channel }, 'dropped an event bus message that is not valid JSON');
      return;
    }
    for (const listener of listeners) listener(payload);
  });

  return {
    async publish(tenantId, topic, payload) {
      await publisher.publish(topicName(tenantId, topic), JSON.stringify(payload));
    },
    async subscribe(tenantId, topic) {
      const channel = topicName(tenantId, topic);
      let channelListeners = listenersByChannel.get(channel);
      if (!channelListeners) {
        channelListeners = new Set();
        listenersByChannel.set(channel, channelListeners);
      }
      const listeners = channelListeners;
      let confirmed = false;
      const listener = (payload: unknown) => queue.push(payload);
      const queue = createSubscriptionQueue(() => {
        listeners.delete(listener);
        if (confirmed) confirmedCount -= 1;
        if (listeners.size === 0 && listenersByChannel.get(channel) === listeners) {
          listenersByChannel.delete(channel);
          subscriber.unsubscribe(channel).catch((error: unknown) => {
            log.warn({ err: error, channel }, 'redis unsubscribe failed');
          });
        }
      }, log);
      listeners.add(listener);

      // Resolves once Redis confirms; repeating SUBSCRIBE for a channel already subscribed is harmless.
      await subscriber.subscribe(channel);
      confirmed = true;
      confirmedCount += 1;
      return queue.iterator;
    },
    subscriptionCount: () => confirmedCount,
    isConnected: () => publisher.status === 'ready' && subscriber.status === 'ready',
    async close() {
      listenersByChannel.clear();
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}
