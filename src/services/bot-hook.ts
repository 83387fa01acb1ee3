import { DEFAULT_BOT_CLIENT_OPTIONS, postToBot, type BotClientOptions } from '../channels/webchat/bot-client.js';
import type { BotHookPayload } from '../channels/webchat/bot-protocol.js';
import type { Database } from '../db/database.js';
import { findConversation } from '../db/queries/conversations.js';
import { loggableError } from '../errors/loggable-error.js';
import type { Logger } from '../logger.js';

export interface BotHookJob {
  tenantId: string;
  channelId: string;
  /** Row id; deliveries for one conversation run one after another, in order. */
  conversationId: string;
  messageId: string;
  url: string;
  botSecret: string;
  payload: BotHookPayload;
}

export interface BotHook {
  /** Queues a delivery and returns at once, so the caller's request does not wait for the bot. */
  enqueue(job: BotHookJob): void;
  /** Resolves when every queued delivery has finished; tests wait on it. */
  idle(): Promise<void>;
  /** Aborts deliveries in progress, drops queued ones and waits for them to stop. */
  close(): Promise<void>;
}

/**
 * Delivers visitor messages to webchat bots off the request path, after the message is
 * committed. Before each delivery it checks that the bot still handles the conversation, so
 * messages queued before a hand-off are not sent. A delivery that fails after its retries is
 * logged and dropped: the message stays in the inbox for agents.
 */
// TODO(webchat): deliveries still queued when the server stops are lost, because the queue is in
// this process's memory. A jobs table would keep them across restarts.
export function createBotHook(deps: { db: Database; log: Logger }, options: BotClientOptions = DEFAULT_BOT_CLIENT_OPTIONS): BotHook {
  const shutdown = new AbortController();
  const queues = new Map<string, Promise<void>>();

  async function deliver(job: BotHookJob): Promise<void> {
    if (shutdown.signal.aborted) return;
    const ids = { tenantId: job.tenantId, channelId: job.channelId, conversationId: job.conversationId, messageId: job.messageId };
    try {
      const conversation = await deps.db.withTenant(job.tenantId, (tx) => findConversation(tx, job.conversationId));
      if (conversation?.handler !== 'bot') {
        deps.log.info(ids, 'bot hook skipped: a human handles the conversation now');
        return;
      }
      const result = await postToBot(job.url, job.botSecret, job.payload, options, shutdown.signal);
      if (result.ok) {
        deps.log.info({ ...ids, status: result.status, attempts: result.attempts }, 'bot hook delivered');
      } else {
        deps.log.warn({ ...ids, status: result.status, attempts: result.attempts, reason: result.reason }, 'bot hook delivery failed');
      }
    } catch (error) {
      deps.log.error({ ...ids, error: loggableError(error) }, 'bot hook delivery failed unexpectedly');
    }
  }

  return {
    enqueue(job) {
      if (shutdown.signal.aborted) return;
      const previous = queues.get(job.conversationId) ?? Promise.resolve();
      const next = previous.then(() => deliver(job));
      queues.set(job.conversationId, next);
      void next.then(() => {
        if (queues.get(job.conversationId) === next) queues.delete(job.conversationId);
      });
    },
    async idle() {
      while (queues.size > 0) await Promise.allSettled([...queues.values()]);
    },
    async close() {
      shutdown.abort();
      await Promise.allSettled([...queues.values()]);
    },
  };
}
