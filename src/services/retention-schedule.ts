import { loggableError } from '../errors/loggable-error.js';
import type { Logger } from '../logger.js';
import type { RetentionService } from './retention.service.js';

export interface RetentionSchedule {
  /** Cancels the next run and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

/** The first run waits at most a minute after start, so frequent restarts cannot postpone it forever. */
const MAX_FIRST_DELAY_MS = 60_000;

/**
 * Runs the retention purge in the server every `intervalMs`. Runs never overlap: the next one is
 * scheduled when the previous one ends. With several server instances each one purges; purges
 * are idempotent, so the cost is only repeated work.
 */
export function startRetentionSchedule(retention: RetentionService, intervalMs: number, log: Logger): RetentionSchedule {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const runOnce = async () => {
    const startedAt = Date.now();
    try {
      const results = await retention.purge();
      const deleted = results.filter((result) => result.conversations + result.mediaObjects + result.contacts > 0);
      log.info({ tenantCount: results.length, tenantsWithDeletions: deleted.length, durationMs: Date.now() - startedAt }, 'retention purge finished');
    } catch (error) {
      log.error({ error: loggableError(error) }, 'retention purge failed; retrying at the next interval');
    }
  };

  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce().finally(() => {
        running = undefined;
        schedule(intervalMs);
      });
    }, delayMs);
  };

  schedule(Math.min(intervalMs, MAX_FIRST_DELAY_MS));
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
