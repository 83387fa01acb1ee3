import type { MediaSource } from '../channels/media-source.js';

export interface DownloadLimits {
  maxBytes: number;
  timeoutMs: number;
}

export interface DownloadedFile {
  body: Buffer;
  /** The response's media type without parameters, lowercase; undefined when absent or malformed. */
  contentType: string | undefined;
}

/** A failed download. The message names the cause without the URL, which can carry ids and tokens. */
export interface DownloadFailure {
  ok: false;
  error: string;
  permanent: boolean;
}

export type DownloadResult = ({ ok: true } & DownloadedFile) | DownloadFailure;

const MEDIA_TYPE_PATTERN = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/;

/** Returns the media type of a Content-Type value, such as "image/jpeg", or undefined when it is malformed. */
export function parseMediaType(value: string | null | undefined): string | undefined {
  const type = value?.split(';')[0]?.trim().toLowerCase();
  return type && MEDIA_TYPE_PATTERN.test(type) ? type : undefined;
}

const failure = (error: string, permanent = false): DownloadFailure => ({ ok: false, error, permanent });

/**
 * Downloads a file into memory, stopping at `maxBytes` and after `timeoutMs` for the whole
 * transfer. `signal` aborts it early, as when the worker stops; the abort is rethrown, not returned.
 */
export async function downloadMedia(source: MediaSource, limits: DownloadLimits, signal: AbortSignal): Promise<DownloadResult> {
  let url: URL;
  try {
    url = new URL(source.url);
  } catch {
    return failure('The media URL is not a valid URL.', true);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return failure(`The media URL uses ${url.protocol}; only http and https are downloaded.`, true);
  if (source.byteSize !== undefined && source.byteSize > limits.maxBytes) return tooLarge(source.byteSize, limits.maxBytes);

  const timeout = AbortSignal.timeout(limits.timeoutMs);
  try {
    // fetch drops the Authorization header when a redirect leads to another origin.
    const response = await fetch(url, { headers: source.headers, redirect: 'follow', signal: AbortSignal.any([signal, timeout]) });
    if (!response.ok) {
      await response.body?.cancel();
      return failure(`The media URL answered HTTP ${response.status}.`);
    }
    const declaredLength = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declaredLength > limits.maxBytes) {
      await response.body?.cancel();
      return tooLarge(declaredLength, limits.maxBytes);
    }

    const chunks: Uint8Array[] = [];
    let received = 0;
    for await (const chunk of response.body ?? []) {
      received += chunk.byteLength;
      // Counted as it arrives, because Content-Length may be missing or wrong.
      if (received > limits.maxBytes) return tooLarge(received, limits.maxBytes, 'more than ');
      chunks.push(chunk);
    }
    return { ok: true, body: Buffer.concat(chunks), contentType: parseMediaType(response.headers.get('content-type')) };
  } catch (error) {
    if (signal.aborted) throw error;
    if (timeout.aborted) return failure(`The download timed out after ${limits.timeoutMs} ms.`);
    return failure(`The download failed: ${networkCause(error)}.`);
  }
}

function tooLarge(size: number, maxBytes: number, qualifier = ''): DownloadFailure {
  return failure(`The file is ${qualifier}${size} bytes; the limit is ${maxBytes} bytes (MEDIA_MAX_BYTES).`, true);
}

/** Names a network error by its code (ECONNREFUSED, ENOTFOUND), never by a message that may quote the URL. */
function networkCause(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string' && /^[A-Z_]+$/.test(cause.code)) return cause.code;
  return error instanceof Error ? error.name : 'unknown error';
}
