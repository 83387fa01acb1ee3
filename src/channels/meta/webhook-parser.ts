import { parseInstagramCommentsEntry } from '../instagram/comments.js';
import { parseInstagramMessagingEntry } from '../instagram/messaging.js';
import type { ParsedWebhook } from '../normalized-event.js';
import { metaEnvelopeSchema } from './common.js';
import { parseMessengerEntry } from './messenger.js';
import { parsePageFeedEntry } from './page-feed.js';
import { parseWhatsAppEntry } from '../whatsapp/whatsapp-webhook.js';

export class InvalidWebhookError extends Error {
  override name = 'InvalidWebhookError';
}

/** Entry parsers by the webhook's `object`; each returns the events of one entry. */
const entryParsers: Record<string, (entry: Record<string, unknown>, entryId: string) => ParsedWebhook[]> = {
  page: (entry, pageId) => [parseMessengerEntry(entry, pageId), parsePageFeedEntry(entry, pageId)],
  // The entry id is the business account; each change names its phone number, which is the channel.
  whatsapp_business_account: (entry) => [parseWhatsAppEntry(entry)],
  // entry.id is the Instagram professional account id; "0" marks a test event from the App Dashboard.
  instagram: (entry, accountId) => [
    parseInstagramMessagingEntry(entry, accountId),
    parseInstagramCommentsEntry(entry, accountId),
  ],
};

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
    const parseEntry = entryParsers[envelope.data.object];
    if (!parseEntry) {
      result.ignored.push({ reason: `webhook object "${envelope.data.object}" not handled` });
      continue;
    }
    for (const part of parseEntry(entry, entry.id)) {
      result.events.push(...part.events);
      result.ignored.push(...part.ignored);
    }
  }
  return result;
}
