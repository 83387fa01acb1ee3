import { BOT_SIGNATURE_HEADER, signBotPayload } from './bot-signature.js';

export interface BotClientOptions {
  /** Time allowed for one POST, in milliseconds. */
  timeoutMs: number;
  /** Attempts in total, the first included. */
  maxAttempts: number;
  /** Wait before the second attempt, in milliseconds; it doubles for each attempt after. */
  retryDelayMs: number;
}

export const DEFAULT_BOT_CLIENT_OPTIONS: BotClientOptions = {
  timeoutMs: 5_000, // 5 s
  maxAttempts: 3,
  retryDelayMs: 500, // 0.5 s, then 1 s
};

export type BotDeliveryResult =
  | { ok: true; status: number; attempts: number }
  | { ok: false; attempts: number; status?: number; reason: 'timeout' | 'network_error' | 'http_error' | 'aborted' };

/**
 * POSTs a JSON body to a bot, signed with X-Parley-Signature. Network errors, timeouts, 429 and
 * 5xx responses are retried with a doubling delay; any other 4xx is final, because repeating the
 * same request cannot change it. `signal` aborts the delivery, as on server shutdown.
 */
export async function postToBot(
  url: string,
  botSecret: string,
  payload: unknown,
  options: BotClientOptions,
  signal: AbortSignal,
): Promise<BotDeliveryResult> {
  const body = JSON.stringify(payload);
  const headers = {
    'content-type': 'application/json',
    [BOT_SIGNATURE_HEADER]: signBotPayload(body, botSecret),
    'user-agent': 'Parley-Webchat-Bot-Hook/1',
  };

  let last: BotDeliveryResult = { ok: false, attempts: 0, reason: 'network_error' };
  for (let attempt = 1; attempt <= options.maxAttempts; attempt += 1) {
    if (attempt > 1 && !(await sleep(options.retryDelayMs * 2 ** (attempt - 2), signal))) {
      return { ok: false, attempts: attempt - 1, reason: 'aborted' };
    }
    if (signal.aborted) return { ok: false, attempts: attempt - 1, reason: 'aborted' };

    // One controller per attempt, aborted by the timeout or by shutdown. A plain timer is used
    // because fetch with AbortSignal.any over AbortSignal.timeout never timed out in the bot
    // tests on Node 20.20.
    const attemptController = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      attemptController.abort();
    }, options.timeoutMs);
    const onShutdown = () => attemptController.abort();
    signal.addEventListener('abort', onShutdown, { once: true });
    try {
      const response = await fetch(url, { method: 'POST', headers, body, signal: attemptController.signal });
      await response.body?.cancel();
      if (response.ok) return { ok: true, status: response.status, attempts: attempt };
      last = { ok: false, attempts: attempt, status: response.status, reason: 'http_error' };
      if (response.status !== 429 && response.status < 500) return last;
    } catch {
      if (signal.aborted) return { ok: false, attempts: attempt, reason: 'aborted' };
      last = { ok: false, attempts: attempt, reason: timedOut ? 'timeout' : 'network_error' };
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onShutdown);
    }
  }
  return last;
}

/** Waits, and returns false when the signal aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
