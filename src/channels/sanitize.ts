/**
 * Returns a copy of parsed JSON in which every string is storable in PostgreSQL: NUL characters
 * are removed (text and jsonb reject U+0000) and unpaired UTF-16 surrogates become U+FFFD. Without
 * this one odd character would fail the whole webhook on every redelivery.
 */
export function sanitizeJson(value: unknown): unknown {
  if (typeof value === 'string') return sanitizeString(value);
  if (Array.isArray(value)) return value.map(sanitizeJson);
  if (value !== null && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) result[sanitizeString(key)] = sanitizeJson(child);
    return result;
  }
  return value;
}

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function sanitizeString(value: string): string {
  return value.replaceAll('\u0000', '').replace(UNPAIRED_SURROGATE, '\uFFFD');
}
