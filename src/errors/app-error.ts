/** Stable codes sent to clients in a GraphQL error's `extensions.code`. */
export enum ErrorCode {
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  BadUserInput = 'BAD_USER_INPUT',
  Conflict = 'CONFLICT',
  ProviderError = 'PROVIDER_ERROR',
  RateLimited = 'RATE_LIMITED',
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

export const notFound = (what: string, id: string) =>
  new AppError(ErrorCode.NotFound, `${what} ${id} was not found.`, { id });

export const conflict = (message: string, details: Record<string, unknown> = {}) =>
  new AppError(ErrorCode.Conflict, message, details);

export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new AppError(ErrorCode.RateLimited, message, { retryAfterSeconds });

export const badInput = (message: string, details: Record<string, unknown> = {}) =>
  new AppError(ErrorCode.BadUserInput, message, details);
