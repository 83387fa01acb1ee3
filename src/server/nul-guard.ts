import { GraphQLError } from 'graphql';

/** Returns true when a string anywhere in the value contains U+0000, which PostgreSQL cannot store in text. */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 32 || value === null || typeof value !== 'object') return false;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.some((child) => containsNul(child, depth + 1));
}

/** Builds the error for an operation whose query or variables contain U+0000, before anything runs. */
export function nulInputError(): GraphQLError {
  return new GraphQLError('The request contains a NUL character (U+0000), which no field accepts; remove it.', {
    extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
  });
}
