import { z } from 'zod';

/** A failed Graph API call, with Meta's error code when Meta sent one. */
export interface GraphApiFailure {
  ok: false;
  /** Meta's numeric error code as a string, or NETWORK_ERROR / TIMEOUT / INVALID_RESPONSE. */
  errorCode: string;
  errorSubcode?: number;
  errorMessage: string;
  httpStatus?: number;
}

export type GraphApiResult<T> = { ok: true; body: T } | GraphApiFailure;

const metaErrorSchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string().optional(),
    code: z.number(),
    error_subcode: z.number().optional(),
  }),
});

export interface GraphApiClientOptions {
  /** Base URL including the version, such as https://graph.facebook.com/v21.0. */
  baseUrl: string;
  timeoutMs: number;
}

/**
 * Posts to a Graph API edge with a page access token and validates the answer. Never throws for
 * provider or network failures: they come back as GraphApiFailure for the caller to record.
 */
export function postToGraphApi<T>(
  options: GraphApiClientOptions,
  edgePath: string,
  accessToken: string,
  body: Record<string, unknown>,
  responseSchema: z.ZodType<T>,
): Promise<GraphApiResult<T>> {
  const url = new URL(`${options.baseUrl}/${edgePath}`);
  url.searchParams.set('access_token', accessToken);
  const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  return callGraphApi(options, url, init, responseSchema);
}

/**
 * Reads a Graph API node with the token in an `Authorization: Bearer` header, as the WhatsApp
 * Cloud API documents it. Failures come back as GraphApiFailure, as for postToGraphApi.
 */
export function getFromGraphApi<T>(
  options: GraphApiClientOptions,
  nodePath: string,
  accessToken: string,
  query: Record<string, string>,
  responseSchema: z.ZodType<T>,
): Promise<GraphApiResult<T>> {
  const url = new URL(`${options.baseUrl}/${nodePath}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const init = { method: 'GET', headers: { authorization: `Bearer ${accessToken}` } };
  return callGraphApi(options, url, init, responseSchema);
}

async function callGraphApi<T>(
  options: GraphApiClientOptions,
  url: URL,
  init: RequestInit,
  responseSchema: z.ZodType<T>,
): Promise<GraphApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return {
      ok: false,
      errorCode: timedOut ? 'TIMEOUT' : 'NETWORK_ERROR',
      errorMessage: timedOut
        ? `Graph API did not answer within ${options.timeoutMs} ms`
        : `Graph API request failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }

  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const metaError = metaErrorSchema.safeParse(json);
    if (metaError.success) {
      const { code, message, error_subcode: subcode } = metaError.data.error;
      return {
        ok: false,
        errorCode: String(code),
        errorMessage: message,
        httpStatus: response.status,
        ...(subcode !== undefined ? { errorSubcode: subcode } : {}),
      };
    }
    return {
      ok: false,
      errorCode: 'INVALID_RESPONSE',
      errorMessage: `Graph API answered HTTP ${response.status} without an error object`,
      httpStatus: response.status,
    };
  }

  const parsed = responseSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      errorCode: 'INVALID_RESPONSE',
      errorMessage: 'Graph API answered 2xx with an unexpected body',
      httpStatus: response.status,
    };
  }
  return { ok: true, body: parsed.data };
}
