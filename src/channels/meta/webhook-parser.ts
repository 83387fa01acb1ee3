import type { ParsedWebhook } from '../normalized-event.js';
import { metaEnvelopeSchema } from './common.js';
import { parseMessengerEntry } from './messenger.js';
import { parsePageFeedEntry } from './page-feed.js';

export class InvalidWebhookError extends Error {
  override name = 'InvalidWebhookError';
}

/**
 * Parses a verified Meta webhook body into normalized events. One POST may carry several entries
 * for different pages, each with several events. Throws InvalidWebhookError when the body is not
 * a Meta envelope at all.
 */
export function parseMetaWebhook(body: unknown): ParsedWebhook {
  const envelope = metaEnvelopeSchema.safeParse(body);
  if (!envelope.success) {
    throw new InvalidWebhookError('body is not a Meta webhook envelope with "object" and "entry"');
  }
  const result: ParsedWebhook = { events: [], ignored: [] };

  for (const entry of envelope.data.entry) {
    const parts: ParsedWebhook[] = [];
    if (envelope.data.object === 'page') {
      parts.push(parseMessengerEntry(entry, entry.id), parsePageFeedEntry(entry, entry.id));
    } else {
      result.ignored.push({ reason: `webhook object "${envelope.data.object}" not handled` });
    }
    for (const part of parts) {
      result.events.push(...part.events);
      result.ignored.push(...part.ignored);
    }
  }
  return result;
}
