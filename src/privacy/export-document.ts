/**
 * The machine-readable export for an access request: all data Parley stores about one person,
 * as JSON-safe values (instants as ISO 8601 strings). The HTML version renders this same
 * document.
 */
export interface DataExport {
  format: 'parley-data-export';
  version: 1;
  generatedAt: string;
  tenant: { slug: string; name: string };
  subject: { kind: 'contact' | 'agent'; id: string };
  profile: JsonObject;
  /** Sections in the order the HTML version shows them; which ones exist depends on the subject kind. */
  sections: Record<string, JsonValue[]>;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Converts a row into JSON-safe values: Dates become ISO strings, undefined becomes null. */
export function toJsonValue(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toJsonValue(item)]));
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

export function toJsonObject(value: Record<string, unknown>): JsonObject {
  return toJsonValue(value) as JsonObject;
}
