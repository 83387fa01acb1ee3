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
    // The WhatsApp Cloud API explains the cause here; other Graph API errors leave it out.
    error_data: z.object({ details: z.string().optional() }).loose().optional(),
  }),
});

export interface GraphApiClientOptions {
  /** Base URL including the version, such as https://graph.facebook.com/v21.0. */
  baseUrl: string;
  timeoutMs: number;
}

export interface GraphApiRequest {
  method: 'GET' | 'POST';
  /** The path after the version, such as "<page id>/messages". */
  edgePath: string;
  accessToken: string;
  /**
   * How the token travels: as the access_token query parameter (Messenger and Page examples in
   * Meta's docs) or as "Authorization: Bearer" (WhatsApp Cloud API docs).
   */
  tokenIn: 'query' | 'header';
  query?: Record<string, string>;
  body?: Record<string, unknown>;
}

/**
 * Calls a Graph API edge and validates the response. Never throws for provider or network failures:
 * they come back as GraphApiFailure for the caller to record.
 */
export async function callGraphApi<T>(
  options: GraphApiClientOptions,
  request: GraphApiRequest,
  responseSchema: z.ZodType<T>,
): Promise<GraphApiResult<T>> {
  const url = new URL(`${options.baseUrl}/${request.edgePath}`);
  for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
  const headers: Record<string, string> = {};
  if (request.tokenIn === 'query') url.searchParams.set('access_token', request.accessToken);
  else headers.authorization = `Bearer ${request.accessToken}`;
  if (request.body) headers['content-type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method,
      headers,
      ...(request.body ? { body: JSON.stringify(request.body) } : {}),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
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
  if (!response.ok) return toFailure(json, response.status);

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

function toFailure(json: unknown, httpStatus: number): GraphApiFailure {
  const metaError = metaErrorSchema.safeParse(json);
  if (!metaError.success) {
    return {
      ok: false,
      errorCode: 'INVALID_RESPONSE',
      errorMessage: `Graph API answered HTTP ${httpStatus} without an error object`,
      httpStatus,
    };
  }
  const { code, message, error_subcode: subcode, error_data: data } = metaError.data.error;
  return {
    ok: false,
    errorCode: String(code),
    errorMessage: data?.details ? `${message}: ${data.details}` : message,
    httpStatus,
    ...(subcode !== undefined ? { errorSubcode: subcode } : {}),
  };
}

/** Posts to a Graph API edge with the token as a query parameter, as the Messenger sender does. */
export function postToGraphApi<T>(
  options: GraphApiClientOptions,
  edgePath: string,
  accessToken: string,
  body: Record<string, unknown>,
  responseSchema: z.ZodType<T>,
): Promise<GraphApiResult<T>> {
  return callGraphApi(options, { method: 'POST', edgePath, accessToken, tokenIn: 'query', body }, responseSchema);
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
  return callGraphApi(options, { method: 'GET', edgePath: nodePath, accessToken, tokenIn: 'header', query }, responseSchema);
}
