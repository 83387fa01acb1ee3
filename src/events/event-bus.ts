import type { Logger } from '../logger.js';

/**
 * Topics carried by the event bus. Every topic is scoped to one tenant, so a subscriber can only
 * ever be attached to its own tenant's stream. `typing` is ephemeral: nothing behind it is stored.
 */
export type Topic = 'message' | 'conversation' | 'typing';

export const topicName = (tenantId: string, topic: Topic) => `parley:tenant:${tenantId}:${topic}`;

/**
 * Publishes JSON-safe payloads to every server instance. Publishing happens only after the
 * transaction that produced the payload has committed.
 */
export interface EventBus {
  publish(tenantId: string, topic: Topic, payload: unknown): Promise<void>;
  /**
   * Returns an async iterator over the topic's payloads once the subscription is live, so nothing
   * published after the promise resolves is missed. `return()` on the iterator unsubscribes.
   */
  subscribe(tenantId: string, topic: Topic): Promise<AsyncIterableIterator<unknown>>;
  /** Number of live subscriptions in this process; tests wait on it before publishing. */
  subscriptionCount(): number;
  /** False while the bus cannot deliver, such as when Redis is unreachable. */
  isConnected(): boolean;
  close(): Promise<void>;
}

/** Maximum payloads buffered for one slow subscriber before the oldest is dropped. */
const MAX_BUFFERED_PAYLOADS = 1_000;

/**
 * Turns push-style deliveries into a pull-style async iterator with a bounded buffer.
 * `onClose` runs once, when the consumer stops iterating.
 */
export function createSubscriptionQueue(
  onClose: () => void,
  log: Logger,
): { push(payload: unknown): void; iterator: AsyncIterableIterator<unknown> } {
  const buffered: unknown[] = [];
  let waiting: ((result: IteratorResult<unknown>) => void) | undefined;
  let closed = false;
  let droppedCount = 0;

  const close = (): IteratorResult<unknown> => {
    if (!closed) {
      closed = true;
      onClose();
      waiting?.({ done: true, value: undefined });
      waiting = undefined;
      buffered.length = 0;
    }
    return { done: true, value: undefined };
  };

  const iterator: AsyncIterableIterator<unknown> = {
    next() {
      if (buffered.length > 0) return Promise.resolve({ done: false, value: buffered.shift() });
      if (closed) return Promise.resolve({ done: true, value: undefined });
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    return() {
      return Promise.resolve(close());
    },
    throw(error?: unknown) {
      close();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };

  return {
    push(payload) {
      if (closed) return;
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        resolve({ done: false, value: payload });
        return;
      }
      buffered.push(payload);
      if (buffered.length > MAX_BUFFERED_PAYLOADS) {
        buffered.shift();
        droppedCount += 1;
        if (droppedCount === 1 || droppedCount % 100 === 0) {
          log.warn({ droppedCount }, 'subscriber is too slow; dropped the oldest buffered events');
        }
      }
    },
    iterator,
  };
}
