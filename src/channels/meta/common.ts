import { z } from 'zod';

/**
 * Meta's object ids: decimal digits, sent as strings but in some payloads as JSON numbers.
 * Comment and post ids join two such ids with "_".
 */
export const metaId = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(/^\d+(_\d+)?$/, 'must be a Meta id of decimal digits'));

const EARLIEST_TIME_MS = Date.UTC(2004, 0, 1);
const LATEST_TIME_MS = Date.UTC(2200, 0, 1);

/**
 * Meta's timestamps: epoch milliseconds in messaging events, epoch seconds in feed changes,
 * sometimes as strings. Values below 10^11 are read as seconds (10^11 s is in the year 5138).
 * Instants outside 2004–2200 are rejected, so callers fall back to the time of receipt.
 */
export const metaTime = z
  .union([z.number(), z.string().regex(/^\d{1,16}$/)])
  .transform((value) => {
    const number = Number(value);
    return new Date(number < 1e11 ? number * 1000 : number);
  })
  .refine((date) => date.getTime() >= EARLIEST_TIME_MS && date.getTime() < LATEST_TIME_MS, 'timestamp out of range');

/** Meta's message ids: never empty, since they are the key that makes redelivery harmless. */
export const metaMessageId = z.string().min(1).max(512);

/** Parley's own outbound messages carry this prefix in Meta's `metadata` field, which echoes return. */
export const PARLEY_METADATA_PREFIX = 'parley:';

export function parleyIdFromMetadata(metadata: string | undefined): string | undefined {
  if (!metadata?.startsWith(PARLEY_METADATA_PREFIX)) return undefined;
  const id = metadata.slice(PARLEY_METADATA_PREFIX.length);
  return z.uuid().safeParse(id).success ? id : undefined;
}

export const metaEnvelopeSchema = z.object({
  object: z.string(),
  // Any id is accepted here: an entry for an unknown account is acknowledged and skipped later.
  entry: z.array(z.object({ id: z.union([z.string(), z.number()]).transform(String) }).loose()),
});

/**
 * Returns the visitor's id in a messaging event: whichever of sender and recipient is not the
 * account (the page or Instagram account). Echoes are sent by the account, and older payloads
 * swap sender and recipient on echoes, so the position alone does not tell.
 */
export function visitorIdOf(
  item: { sender: { id?: string | undefined }; recipient: { id?: string | undefined } },
  accountId: string,
): string | undefined {
  const senderId = item.sender.id;
  const recipientId = item.recipient.id;
  if (senderId && senderId !== accountId) return senderId;
  if (recipientId && recipientId !== accountId) return recipientId;
  return undefined;
}
