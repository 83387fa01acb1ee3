import { z } from 'zod';
import type { Attachment, ChannelRef, ContactRef, NormalizedEvent } from '../normalized-event.js';
import { metaId, metaTime } from '../meta/common.js';

// One entry of a WhatsApp Cloud API `messages` array, as Meta documents it for the `messages`
// webhook field. A message is read in two steps: the envelope every type has (sender, id, time,
// context), then the object named by `type`. When the second step fails, the message is still
// stored, as unsupported, so the agent learns that the contact wrote.

/** An entry of `errors[]`: newer payloads put the reason in error_data.details, older ones in details. */
export const providerErrorSchema = z
  .object({
    code: z.union([z.number(), z.string()]).transform(String),
    title: z.string().optional(),
    message: z.string().optional(),
    details: z.string().optional(),
    error_data: z.object({ details: z.string().optional() }).loose().optional(),
  })
  .loose();

export type ProviderError = z.infer<typeof providerErrorSchema>;

/** Joins Meta's title and details into one sentence for agents, such as "Re-engagement message: …". */
export function describeProviderError(error: ProviderError): string {
  const title = error.title ?? error.message;
  const details = error.error_data?.details ?? error.details;
  if (title && details && title !== details) return `${title}: ${details}`;
  return details ?? title ?? `error ${error.code}`;
}

export const messageEnvelopeSchema = z
  .object({
    from: metaId,
    id: z.string().min(1),
    timestamp: metaTime,
    type: z.string(),
    context: z
      .object({
        id: z.string().optional(),
        forwarded: z.boolean().optional(),
        frequently_forwarded: z.boolean().optional(),
      })
      .optional(),
    referral: z.record(z.string(), z.unknown()).optional(),
    errors: z.array(providerErrorSchema).optional(),
  })
  .loose();

type MessageEnvelope = z.infer<typeof messageEnvelopeSchema>;

const mediaSchema = z.object({
  id: metaId,
  mime_type: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  voice: z.boolean().optional(),
});

const locationSchema = z.object({
  latitude: z.coerce.number(),
  longitude: z.coerce.number(),
  name: z.string().optional(),
  address: z.string().optional(),
  url: z.string().optional(),
});

const sharedContactSchema = z
  .object({ name: z.object({ formatted_name: z.string().optional() }).loose().optional() })
  .loose();

const interactiveSchema = z.object({
  type: z.string(),
  button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
  list_reply: z.object({ id: z.string(), title: z.string(), description: z.string().optional() }).optional(),
});

const MEDIA_ATTACHMENT_TYPES = {
  image: 'image',
  audio: 'audio',
  video: 'video',
  document: 'file',
  sticker: 'sticker',
} as const;

type MediaType = keyof typeof MEDIA_ATTACHMENT_TYPES;

/** What a message carries besides the envelope: text, attachments and extras for metadata. */
interface MessageContent {
  text: string | null;
  attachments: Attachment[];
  metadata: Record<string, unknown>;
}

/** Thrown inside the content readers when the object named by `type` is missing or malformed. */
class UnreadableContent extends Error {}

function readObject<T>(schema: z.ZodType<T>, raw: Record<string, unknown>, key: string): T {
  const parsed = schema.safeParse(raw[key]);
  if (!parsed.success) throw new UnreadableContent(`the "${key}" object is missing or malformed`);
  return parsed.data;
}

function readMedia(type: MediaType, raw: Record<string, unknown>): MessageContent {
  const media = readObject(mediaSchema, raw, type);
  const attachment: Attachment = { type: MEDIA_ATTACHMENT_TYPES[type], providerMediaId: media.id };
  if (media.mime_type) attachment.contentType = media.mime_type;
  if (media.filename) attachment.title = media.filename;
  if (media.voice) attachment.isVoiceNote = true;
  return { text: media.caption ?? null, attachments: [attachment], metadata: {} };
}

function readLocation(raw: Record<string, unknown>): MessageContent {
  const location = readObject(locationSchema, raw, 'location');
  const attachment: Attachment = { type: 'location', latitude: location.latitude, longitude: location.longitude };
  const title = [location.name, location.address].filter(Boolean).join(', ');
  if (title) attachment.title = title;
  if (location.url) attachment.url = location.url;
  return { text: null, attachments: [attachment], metadata: {} };
}

function readSharedContacts(raw: Record<string, unknown>): MessageContent {
  const contacts = readObject(z.array(sharedContactSchema).min(1), raw, 'contacts');
  const attachments = contacts.map((contact): Attachment => {
    const name = contact.name?.formatted_name;
    return name ? { type: 'contact', title: name } : { type: 'contact' };
  });
  // The cards themselves (names, phone numbers, addresses) stay with the message, as Meta sent them.
  return { text: null, attachments, metadata: { sharedContacts: raw.contacts } };
}

function readInteractiveReply(raw: Record<string, unknown>): MessageContent {
  const interactive = readObject(interactiveSchema, raw, 'interactive');
  let reply;
  if (interactive.type === 'button_reply') reply = interactive.button_reply;
  else if (interactive.type === 'list_reply') reply = interactive.list_reply;
  if (!reply) throw new UnreadableContent(`interactive reply type "${interactive.type}" is not supported`);
  return { text: reply.title, attachments: [], metadata: { interactiveReply: { type: interactive.type, ...reply } } };
}

function readTemplateButton(raw: Record<string, unknown>): MessageContent {
  const button = readObject(z.object({ text: z.string(), payload: z.string().optional() }), raw, 'button');
  return { text: button.text, attachments: [], metadata: { quickReplyPayload: button.payload ?? null } };
}

function readContent(envelope: MessageEnvelope, raw: Record<string, unknown>): MessageContent {
  const type = envelope.type;
  if (type === 'text') return { text: readObject(z.object({ body: z.string() }), raw, 'text').body, attachments: [], metadata: {} };
  if (type in MEDIA_ATTACHMENT_TYPES) return readMedia(type as MediaType, raw);
  if (type === 'location') return readLocation(raw);
  if (type === 'contacts') return readSharedContacts(raw);
  if (type === 'interactive') return readInteractiveReply(raw);
  if (type === 'button') return readTemplateButton(raw);
  // A reaction reaches this point only when its object could not be read.
  if (type === 'reaction') throw new UnreadableContent('the "reaction" object is missing or malformed');
  throw new UnreadableContent(`message type "${type}" is not supported`);
}

/**
 * Builds the content of a message Parley cannot show: one `unsupported` attachment whose title is
 * the provider's reason, or ours when the provider gave none.
 */
function unsupportedContent(envelope: MessageEnvelope, raw: Record<string, unknown>, errors: ProviderError[], ownReason: string): MessageContent {
  const reason = errors[0] ? describeProviderError(errors[0]) : ownReason;
  const unsupported = raw.unsupported as { type?: unknown } | undefined;
  const metadata: Record<string, unknown> = {
    unsupportedType: typeof unsupported?.type === 'string' ? unsupported.type : envelope.type,
  };
  if (errors.length > 0) {
    metadata.providerErrors = errors.map((error) => ({ code: error.code, message: describeProviderError(error) }));
  }
  return { text: null, attachments: [{ type: 'unsupported', title: reason }], metadata };
}

/**
 * Turns one WhatsApp message into a normalized event: a reaction changes the message it names,
 * everything else becomes an inbound message. `valueErrors` are the change's own `errors[]`,
 * which Meta sends beside a message it could not fully deliver to the webhook.
 */
export function parseWhatsAppMessage(
  envelope: MessageEnvelope,
  raw: Record<string, unknown>,
  channel: ChannelRef,
  contact: ContactRef,
  valueErrors: ProviderError[],
): NormalizedEvent {
  const occurredAt = envelope.timestamp;

  if (envelope.type === 'reaction') {
    const reaction = z.object({ message_id: z.string().min(1), emoji: z.string().optional() }).safeParse(raw.reaction);
    if (reaction.success) {
      // An empty emoji is how WhatsApp reports that the contact removed the reaction.
      const emoji = reaction.data.emoji ? reaction.data.emoji : null;
      return { type: 'message_reaction', channel, providerMessageId: reaction.data.message_id, emoji, contact, occurredAt };
    }
  }

  let content: MessageContent;
  const errors = [...(envelope.errors ?? []), ...valueErrors];
  if (envelope.type === 'unsupported' || envelope.type === 'unknown') {
    content = unsupportedContent(envelope, raw, errors, `message type "${envelope.type}" is not supported`);
  } else {
    try {
      content = readContent(envelope, raw);
    } catch (error) {
      if (!(error instanceof UnreadableContent)) throw error;
      content = unsupportedContent(envelope, raw, errors, error.message);
    }
  }

  const metadata = { ...content.metadata };
  const context = envelope.context;
  if (context?.id) metadata.replyToProviderMessageId = context.id;
  if (context?.forwarded) metadata.forwarded = true;
  if (context?.frequently_forwarded) metadata.frequentlyForwarded = true;
  if (envelope.referral) metadata.referral = envelope.referral;

  return {
    type: 'message',
    channel,
    direction: 'inbound',
    thread: { kind: 'private' },
    contact,
    providerMessageId: envelope.id,
    text: content.text,
    attachments: content.attachments,
    metadata,
    occurredAt,
  };
}
