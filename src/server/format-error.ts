import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { loggableError } from '../errors/loggable-error.js';
import type { Logger } from '../logger.js';

// Codes that graphql-js and Apollo assign to client mistakes; their messages are safe to show.
const CLIENT_ERROR_CODES = new Set<string>([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  // Raised while building the context, so it arrives here as a GraphQLError rather than an AppError.
  ErrorCode.TenantSuspended,
]);

/**
 * Maps every error leaving the API to a stable `extensions.code`: AppErrors keep their code and
 * message, client errors from graphql-js and Apollo pass through, and anything else is logged
 * and masked as INTERNAL_SERVER_ERROR.
 */
export function formatClientError(formatted: GraphQLFormattedError, error: unknown, log: Logger): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const location = { ...(formatted.path ? { path: formatted.path } : {}), ...(formatted.locations ? { locations: formatted.locations } : {}) };

  if (original instanceof AppError) {
    return { message: original.message, ...location, extensions: { code: original.code, ...original.details } };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CLIENT_ERROR_CODES.has(code)) {
    return { message: formatted.message, ...location, extensions: { code } };
  }
  // Validation errors from graphql-js itself carry no code.
  if (code === undefined && original instanceof GraphQLError && !original.originalError && !formatted.path) {
    return { message: formatted.message, ...location, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
  }

  log.error({ error: loggableError(original), path: formatted.path }, 'unexpected error in a GraphQL operation');
  return { message: 'Internal server error; the error was logged.', ...location, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** HTTP status for each AppError code, for the plain HTTP routes. */
export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.BadUserInput]: 400,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.ProviderError]: 502,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.BadRequest]: 400,
  [ErrorCode.TenantSuspended]: 403,
  [ErrorCode.ReplyWindowClosed]: 409,
  [ErrorCode.PrivateReplyAlreadySent]: 409,
};

/** Converts an AppError thrown while building the context into a GraphQL error with an HTTP status. */
export function contextError(error: unknown): unknown {
  if (!(error instanceof AppError)) return error;
  let status = 400;
  if (error.code === ErrorCode.Unauthenticated) status = 401;
  if (error.code === ErrorCode.TenantSuspended) status = 403;
  return new GraphQLError(error.message, { extensions: { code: error.code, http: { status } } });
}
