import { claimDueMediaObjects, type ClaimedMediaObject } from '../db/queries/media-objects.js';
import { loggableError } from '../errors/loggable-error.js';
import { copyMediaObject, type MediaCopyDependencies } from './copy-media-object.js';

export interface MediaCopyWorker {
  start(): void;
  /** Looks for due copies now instead of at the next poll, as after ingest queued some. */
  wake(): void;
  /** Stops claiming, aborts running downloads (their claims are given back) and waits for them. */
  stop(): Promise<void>;
}

export interface MediaCopyWorkerOptions {
  /**
   * How long a claimed copy stays hidden from other workers. It must outlast one whole copy
   * (media id exchange, download and storage write), or a slow copy could run twice.
   */
  leaseMs: number;
}

/**
 * Copies inbound attachments in the background, off the webhook request path. It keeps up to
 * `concurrency` copies running, claims more whenever one finishes, and otherwise polls every
 * `pollIntervalMs`. Several server instances may run one each: claims never overlap.
 */
export function createMediaCopyWorker(deps: MediaCopyDependencies, options: MediaCopyWorkerOptions): MediaCopyWorker {
  const log = deps.log.child({ worker: 'media-copy' });
  const { concurrency, pollIntervalMs } = deps.config;
  const shutdown = new AbortController();
  const running = new Set<Promise<void>>();
  let poll: NodeJS.Timeout | undefined;
  let claiming: Promise<void> | undefined;
  let wakeRequested = false;
  let stopping = false;
  let failedClaims = 0;

  function run(claimed: ClaimedMediaObject): void {
    const copy = copyMediaObject({ ...deps, log }, claimed, shutdown.signal)
      .catch((error: unknown) => {
        if (shutdown.signal.aborted) return;
        // The claim stays until its lease runs out, so another attempt follows then.
        log.error({ error: loggableError(error), mediaId: claimed.id, tenantId: claimed.tenantId }, 'media copy failed unexpectedly');
      })
      .finally(() => {
        running.delete(copy);
        fill();
      });
    running.add(copy);
  }

  async function claimWhileSlotsAreFree(): Promise<void> {
    for (;;) {
      const free = concurrency - running.size;
      if (stopping || free <= 0) return;
      wakeRequested = false;
      const claimed = await deps.db.withSystem((tx) => claimDueMediaObjects(tx, free, options.leaseMs));
      for (const item of claimed) run(item);
      if (claimed.length < free && !wakeRequested) return;
    }
  }

  function fill(): void {
    if (stopping || !poll) return;
    if (claiming) {
      wakeRequested = true;
      return;
    }
    claiming = claimWhileSlotsAreFree()
      .then(() => {
        if (failedClaims > 0) log.info({ failedClaims }, 'claiming due media copies works again');
        failedClaims = 0;
      })
      .catch((error: unknown) => {
        failedClaims += 1;
        // Logged once and then every 30th time, so a database outage does not flood the log at every poll.
        if (failedClaims % 30 === 1) {
          log.error({ error: loggableError(error), failedClaims }, 'claiming due media copies failed; trying again at the next poll');
        }
      })
      .finally(() => {
        claiming = undefined;
      });
  }

  return {
    start() {
      if (poll || stopping) return;
      poll = setInterval(fill, pollIntervalMs);
      log.info({ concurrency, pollIntervalMs, storage: deps.storage.kind }, 'media copy worker started');
      fill();
    },
    wake: fill,
    async stop() {
      if (stopping) return;
      stopping = true;
      if (!poll) return;
      clearInterval(poll);
      shutdown.abort();
      await claiming;
      const interrupted = running.size;
      await Promise.allSettled([...running]);
      log.info({ interruptedCopies: interrupted }, 'media copy worker stopped');
    },
  };
}
