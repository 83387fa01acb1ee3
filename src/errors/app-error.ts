import { isNodeType, toGlobalId } from '../schema/global-id-format.js';

/** Stable codes sent to clients in a GraphQL error's `extensions.code`. */
export enum ErrorCode {
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  BadUserInput = 'BAD_USER_INPUT',
  Conflict = 'CONFLICT',
  ProviderError = 'PROVIDER_ERROR',
  RateLimited = 'RATE_LIMITED',
  BadRequest = 'BAD_REQUEST',
  /** The tenant was suspended by the platform operator: its agents cannot log in or use tokens. */
  TenantSuspended = 'TENANT_SUSPENDED',
  /** The channel allows only templates now, such as WhatsApp 24 hours after the contact's last message. */
  ReplyWindowClosed = 'REPLY_WINDOW_CLOSED',
  PrivateReplyAlreadySent = 'PRIVATE_REPLY_ALREADY_SENT',
}

/** An error whose message is safe to show to the client; anything else is masked. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const unauthenticated = (message = 'Authentication required: send "Authorization: Bearer <token>" from the login mutation.') =>
  new AppError(ErrorCode.Unauthenticated, message);

export const forbidden = (message: string) => new AppError(ErrorCode.Forbidden, message);

export const tenantSuspended = () =>
  new AppError(ErrorCode.TenantSuspended, 'This tenant is suspended; contact the platform operator to reactivate it.');

const ROW_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * NOT_FOUND for a row. A row id of a type with global ids is named by the global id the client
 * knows; other identifiers, such as a tenant slug, are named as given.
 */
export function notFound(what: string, id: string): AppError {
  const clientId = isNodeType(what) && ROW_ID_PATTERN.test(id) ? toGlobalId(what, id) : id;
  return new AppError(ErrorCode.NotFound, `${what} ${clientId} was not found.`, { id: clientId });
}

export const conflict = (message: string, details: Record<string, unknown> = {}) =>
  new AppError(ErrorCode.Conflict, message, details);

export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new AppError(ErrorCode.RateLimited, message, { retryAfterSeconds });

export const badInput = (message: string, details: Record<string, unknown> = {}) =>
  new AppError(ErrorCode.BadUserInput, message, details);

/** Meta rejected an action; `details` carry Meta's code so the agent can look it up. */
export const providerError = (
  action: string,
  failure: { errorCode: string; errorMessage: string; errorSubcode?: number },
) =>
  new AppError(ErrorCode.ProviderError, `Meta rejected ${action}: ${failure.errorMessage} (code ${failure.errorCode}).`, {
    providerCode: failure.errorCode,
    providerMessage: failure.errorMessage,
    ...(failure.errorSubcode !== undefined ? { providerSubcode: failure.errorSubcode } : {}),
  });
