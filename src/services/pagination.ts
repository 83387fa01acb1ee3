import type { KeysetPosition } from '../db/queries/keyset.js';
import { badInput } from '../errors/app-error.js';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

export function pageSize(size: number | null | undefined, argument = 'first'): number {
  if (size === null || size === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badInput(`"${argument}" must be between 1 and ${MAX_PAGE_SIZE}; got ${size}.`, { [argument]: size });
  }
  return size;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Epoch microseconds between 1970 and 2200.
const MICROS_PATTERN = /^\d{1,17}$/;

/** Opaque keyset cursor: a row's position in exact epoch microseconds and its id, base64url-encoded. */
export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(`${position.micros}|${position.id}`).toString('base64url');
}

export function decodeCursor(cursor: string, argument = 'after'): KeysetPosition {
  const [micros, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!micros || !MICROS_PATTERN.test(micros) || !id || !UUID_PATTERN.test(id) || extra !== undefined) {
    throw badInput(`"${argument}" is not a valid cursor; pass an endCursor or startCursor from a previous page.`, { argument });
  }
  return { micros, id };
}

export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}
