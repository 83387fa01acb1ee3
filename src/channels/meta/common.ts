import { z } from 'zod';

/** Meta sends most ids as strings but some payloads carry them as JSON numbers. */
export const metaId = z.union([z.string().min(1), z.number()]).transform(String);

/**
 * Meta's timestamps: epoch milliseconds in messaging events, epoch seconds in feed changes,
 * sometimes as strings. Values below 10^11 are read as seconds (10^11 s is in the year 5138).
 */
export const metaTime = z.union([z.number(), z.string().regex(/^\d+$/)]).transform((value) => {
  const number = Number(value);
  return new Date(number < 1e11 ? number * 1000 : number);
});

/** Parley's own outbound messages carry this prefix in Meta's `metadata` field, which echoes return. */
export const PARLEY_METADATA_PREFIX = 'parley:';

export function parleyIdFromMetadata(metadata: string | undefined): string | undefined {
  if (!metadata?.startsWith(PARLEY_METADATA_PREFIX)) return undefined;
  const id = metadata.slice(PARLEY_METADATA_PREFIX.length);
  return z.uuid().safeParse(id).success ? id : undefined;
}

export const metaEnvelopeSchema = z.object({
  object: z.string(),
  entry: z.array(z.object({ id: metaId }).loose()),
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
