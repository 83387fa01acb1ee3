import { performance } from 'node:perf_hooks';

/** Limit for one request or transaction, in milliseconds. A slower one fails the run. */
const OPERATION_TIMEOUT_MS = 30_000;
/** Limit for one phase, in milliseconds. No operation starts after it, and the run fails. */
const PHASE_TIMEOUT_MS = 300_000;

export interface LoadResult {
  count: number;
  /** Wall time from the first start to the last completion, in milliseconds. */
  elapsedMs: number;
  /** Each operation's time from start to completion, in milliseconds, in completion order. */
  latenciesMs: number[];
}

/** The index range [first, first + count) to pass to the operation, and how to run it. */
export interface LoadPlan {
  first: number;
  count: number;
  /** Operations in flight at once. */
  concurrency: number;
  /** Stops the run: no operation starts after it fires, and the run rejects. */
  signal: AbortSignal;
}

/**
 * Runs the plan's operations, keeping `concurrency` in flight, and times each one. The first
 * failure stops the workers and is thrown once the operations in flight have finished or timed out.
 */
export async function runLoad(plan: LoadPlan, operation: (index: number) => Promise<void>): Promise<LoadResult> {
  const { first, count, concurrency, signal } = plan;
  const latenciesMs: number[] = [];
  const phaseStart = performance.now();
  let next = first;
  let failure: unknown;

  const worker = async () => {
    while (next < first + count && failure === undefined) {
      signal.throwIfAborted();
      if (performance.now() - phaseStart > PHASE_TIMEOUT_MS) {
        throw new Error(`Phase timed out after ${PHASE_TIMEOUT_MS} ms with ${latenciesMs.length} of ${count} operations done. Lower --messages.`);
      }
      const index = next;
      next += 1;
      const start = performance.now();
      await withTimeout(operation(index), OPERATION_TIMEOUT_MS, `operation ${index}`);
      latenciesMs.push(performance.now() - start);
    }
  };

  const workers = Array.from({ length: Math.min(concurrency, count) }, () =>
    worker().catch((error: unknown) => {
      failure ??= error;
    }),
  );
  await Promise.all(workers);
  if (failure !== undefined) throw failure;

  return { count, elapsedMs: performance.now() - phaseStart, latenciesMs };
}

/** Returns the nearest-rank percentile `p` (0 < p ≤ 100) of the values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} timed out after ${timeoutMs} ms.`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
