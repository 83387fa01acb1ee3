export interface RateLimit {
  /** Requests allowed per window. */
  max: number;
  /** Window length, in milliseconds. */
  windowMs: number;
}

export interface RateLimiter {
  /**
   * Records one request for `key` and returns 0 when it is allowed, or else the milliseconds to
   * wait until the oldest request in the window expires. A rejected request is not recorded.
   */
  consume(key: string): number;
}

/**
 * Creates a sliding-window limiter in this process's memory. It keeps the time of each allowed
 * request, at most `max` per key, and drops keys idle for a whole window.
 */
// TODO(webchat): the counts are per server instance, so behind a load balancer a visitor gets the
// limit once per instance. Counting in Redis would make it one limit for all.
export function createRateLimiter(limit: RateLimit, now: () => number = Date.now): RateLimiter {
  const requestTimes = new Map<string, number[]>();
  let lastSweep = now();

  function sweep(at: number): void {
    if (at - lastSweep < limit.windowMs) return;
    lastSweep = at;
    for (const [key, times] of requestTimes) {
      if ((times.at(-1) ?? 0) <= at - limit.windowMs) requestTimes.delete(key);
    }
  }

  return {
    consume(key) {
      const at = now();
      sweep(at);
      const windowStart = at - limit.windowMs;
      const times = (requestTimes.get(key) ?? []).filter((time) => time > windowStart);
      if (times.length >= limit.max) {
        requestTimes.set(key, times);
        return times[0]! + limit.windowMs - at;
      }
      times.push(at);
      requestTimes.set(key, times);
      return 0;
    },
  };
}
