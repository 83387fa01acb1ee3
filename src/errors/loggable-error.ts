import { sqlStateOf } from '../db/postgres-errors.js';

/**
 * Describes an unexpected error for logs without personal data. Driver errors from drizzle carry
 * the failed SQL with its parameters (message text, names), so only the error's type, SQLSTATE,
 * constraint and stack frames are kept.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { type: typeof error };
  const sqlState = sqlStateOf(error);
  const cause = error.cause as { constraint_name?: unknown; constraint?: unknown; table_name?: unknown; table?: unknown } | undefined;
  // Only the "at …" lines: a multi-line message (drizzle's "Failed query: … params: …") repeats
  // at the top of the stack, parameters included.
  const frames = (error.stack ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '))
    .slice(0, 8);
  if (sqlState) {
    return {
      type: error.name,
      sqlState,
      constraint: cause?.constraint_name ?? cause?.constraint,
      table: cause?.table_name ?? cause?.table,
      stack: frames,
    };
  }
  return { type: error.name, message: error.message, stack: frames };
}
