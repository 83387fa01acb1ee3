/** SQLSTATE codes that Parley branches on. */
export const SqlState = {
  UniqueViolation: '23505',
  ForeignKeyViolation: '23503',
  InsufficientPrivilege: '42501',
  DeadlockDetected: '40P01',
  SerializationFailure: '40001',
} as const;

/** Returns the SQLSTATE of a driver error from postgres.js or PGlite, looking through drizzle's wrapper. */
export function sqlStateOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && current && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
