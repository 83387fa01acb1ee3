import { z } from 'zod';
import type { CommentActionResult, ProviderFailure, SendResult } from '../outbound.js';
import type { GraphApiFailure, GraphApiResult } from './graph-api-client.js';

/** Meta's response body for a Send API call. */
export const sendApiResponseSchema = z.object({ recipient_id: z.string().optional(), message_id: z.string() });

/** Meta's response body when a call creates a node, such as a comment. */
export const createdNodeSchema = z.object({ id: z.string() });

/** Meta's response body for an update or a like: `{ "success": true }`. */
export const successSchema = z.object({ success: z.boolean() });

function toFailure(result: GraphApiFailure): ProviderFailure {
  return {
    ok: false,
    errorCode: result.errorCode,
    errorMessage: result.errorMessage,
    ...(result.errorSubcode !== undefined ? { errorSubcode: result.errorSubcode } : {}),
  };
}

export function toSendResult<T>(result: GraphApiResult<T>, providerMessageIdOf: (body: T) => string): SendResult {
  if (!result.ok) return toFailure(result);
  return { ok: true, providerMessageId: providerMessageIdOf(result.body), sentAt: new Date() };
}

export function toActionResult(result: GraphApiResult<z.infer<typeof successSchema>>): CommentActionResult {
  if (!result.ok) return toFailure(result);
  if (!result.body.success) {
    return { ok: false, errorCode: 'INVALID_RESPONSE', errorMessage: 'Graph API answered "success": false without an error' };
  }
  return { ok: true };
}

export const noAccessToken = (): ProviderFailure => ({
  ok: false,
  errorCode: 'NO_ACCESS_TOKEN',
  errorMessage: 'The channel has no access token; reconnect it.',
});
