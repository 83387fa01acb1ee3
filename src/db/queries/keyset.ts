import { sql, type SQL, type AnyColumn } from 'drizzle-orm';

// Keyset pagination positions keep PostgreSQL's full microsecond precision. A JavaScript Date has
// millisecond precision only, so rows written in the same millisecond would repeat or vanish across pages
// if cursors carried Dates.

/** Selects a timestamptz column as exact epoch microseconds, in decimal text. */
export function epochMicros(column: AnyColumn): SQL<string> {
  return sql<string>`(floor(extract(epoch from date_trunc('second', ${column})))::bigint * 1000000 + extract(microseconds from ${column})::bigint % 1000000)::text`;
}

/** Builds a timestamptz expression for the instant `micros` epoch microseconds. */
export function fromEpochMicros(micros: string): SQL {
  return sql`(timestamptz 'epoch' + ${micros}::bigint * interval '1 microsecond')`;
}

export interface KeysetPosition {
  /** Epoch microseconds as decimal text. */
  micros: string;
  id: string;
}
