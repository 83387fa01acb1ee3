import { z } from 'zod';
import type {
  Attachment,
  AttachmentType,
  ChannelRef,
  NormalizedEvent,
  ParsedWebhook,
} from '../normalized-event.js';
import { metaId, metaMessageId, metaTime, parleyIdFromMetadata, visitorIdOf } from './common.js';

// Messenger Platform webhook events (object "page", entry[].messaging[] and entry[].standby[]).
// Unknown keys are dropped by zod; unknown event kinds end up in `ignored`.

const attachmentSchema = z
  .object({
    type: z.string(),
    title: z.string().optional(),
    url: z.string().optional(),
    payload: z
      .union([
        z
          .object({
            url: z.string().optional(),
            title: z.string().optional(),
            sticker_id: metaId.optional(),
            coordinates: z.object({ lat: z.number(), long: z.number() }).optional(),
          })
          .loose(),
        z.string(),
        z.null(),
      ])
      .optional(),
  })
  .loose();

const messageSchema = z.object({
  mid: metaMessageId,
  text: z.string().optional(),
  is_echo: z.boolean().optional(),
  is_deleted: z.boolean().optional(),
  is_unsupported: z.boolean().optional(),
  app_id: metaId.optional(),
  metadata: z.string().optional(),
  sticker_id: metaId.optional(),
  quick_reply: z.object({ payload: z.string() }).optional(),
  reply_to: z.object({ mid: z.string().optional(), story: z.unknown().optional() }).optional(),
  attachments: z.array(attachmentSchema).optional(),
});

const messagingItemSchema = z.object({
  sender: z.object({ id: metaId.optional(), user_ref: z.string().optional() }),
  recipient: z.object({ id: metaId.optional() }),
  // An unusable timestamp falls back to the time of receipt rather than dropping the event.
  timestamp: metaTime.optional().catch(undefined),
  message: messageSchema.optional(),
  message_edit: z
    .object({ mid: metaMessageId, text: z.string(), num_edit: z.union([z.number(), z.string()]).optional() })
    .optional(),
  delivery: z
    .object({ mids: z.array(metaMessageId).optional(), watermark: metaTime.optional().catch(undefined) })
    .optional(),
  read: z.object({ watermark: metaTime.optional().catch(undefined) }).optional(),
  reaction: z
    .object({
      mid: metaMessageId,
      action: z.enum(['react', 'unreact']),
      emoji: z.string().optional(),
      reaction: z.string().optional(),
    })
    .optional(),
  postback: z
    .object({
      mid: metaMessageId.optional(),
      title: z.string().optional(),
      payload: z.string().optional(),
      referral: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  referral: z.record(z.string(), z.unknown()).optional(),
});

type MessagingItem = z.infer<typeof messagingItemSchema>;

const KNOWN_ATTACHMENT_TYPES = new Set<AttachmentType>([
  'image',
  'audio',
  'video',
  'file',
  'location',
  'fallback',
  'template',
]);

function toAttachment(raw: z.infer<typeof attachmentSchema>): Attachment {
  const payload = typeof raw.payload === 'object' && raw.payload !== null ? raw.payload : undefined;
  const url = payload?.url ?? raw.url ?? (typeof raw.payload === 'string' ? raw.payload : undefined);
  const type: AttachmentType = payload?.sticker_id
    ? 'sticker'
    : KNOWN_ATTACHMENT_TYPES.has(raw.type as AttachmentType)
      ? (raw.type as AttachmentType)
      : 'unsupported';

  const attachment: Attachment = { type };
  if (url) attachment.url = url;
  const title = raw.title ?? payload?.title;
  if (title) attachment.title = title;
  if (payload?.sticker_id) attachment.stickerId = payload.sticker_id;
  if (payload?.coordinates) {
    attachment.latitude = payload.coordinates.lat;
    attachment.longitude = payload.coordinates.long;
  }
  return attachment;
}

function parseMessagingItem(
  item: MessagingItem,
  channel: ChannelRef,
  pageId: string,
): NormalizedEvent | string {
  const visitorId = visitorIdOf(item, pageId);
  if (!visitorId) {
    return item.sender.user_ref ? 'sender identified by user_ref only (chat plugin guest)' : 'no visitor id';
  }
  const contact = { externalId: visitorId };
  const occurredAt = item.timestamp ?? new Date();

  if (item.message) {
    const message = item.message;
    if (message.is_deleted) {
      return { type: 'message_deleted', channel, providerMessageId: message.mid, occurredAt };
    }
    const attachments = (message.attachments ?? []).map(toAttachment);
    if (message.is_unsupported) attachments.push({ type: 'unsupported' });

    const metadata: Record<string, unknown> = {};
    if (message.quick_reply) metadata.quickReplyPayload = message.quick_reply.payload;
    if (message.reply_to?.mid) metadata.replyToProviderMessageId = message.reply_to.mid;
    if (message.reply_to?.story) metadata.replyToStory = message.reply_to.story;
    if (message.is_echo && message.app_id) metadata.sentByAppId = message.app_id;

    const isEcho = message.is_echo === true;
    const parleyMessageId = isEcho ? parleyIdFromMetadata(message.metadata) : undefined;
    return {
      type: 'message',
      channel,
      direction: isEcho ? 'outbound' : 'inbound',
      thread: { kind: 'private' },
      contact,
      providerMessageId: message.mid,
      text: message.text ?? null,
      attachments,
      metadata,
      occurredAt,
      ...(parleyMessageId ? { parleyMessageId } : {}),
    };
  }

  if (item.message_edit) {
    return {
      type: 'message_edited',
      channel,
      providerMessageId: item.message_edit.mid,
      text: item.message_edit.text,
      occurredAt,
    };
  }

  if (item.reaction) {
    const emoji = item.reaction.action === 'react' ? (item.reaction.emoji ?? item.reaction.reaction ?? null) : null;
    return {
      type: 'message_reaction',
      channel,
      providerMessageId: item.reaction.mid,
      emoji,
      contact,
      occurredAt,
    };
  }

  if (item.delivery) {
    return {
      type: 'receipt',
      channel,
      status: 'delivered',
      contact,
      providerMessageIds: item.delivery.mids ?? [],
      watermark: item.delivery.watermark ?? null,
    };
  }

  if (item.read) {
    return {
      type: 'receipt',
      channel,
      status: 'read',
      contact,
      providerMessageIds: [],
      watermark: item.read.watermark ?? null,
    };
  }

  if (item.postback) {
    const postback = item.postback;
    const metadata: Record<string, unknown> = { postback: { title: postback.title ?? null, payload: postback.payload ?? null } };
    if (postback.referral) metadata.referral = postback.referral;
    return {
      type: 'message',
      channel,
      direction: 'inbound',
      thread: { kind: 'private' },
      contact,
      // Older postbacks carry no mid; sender and time identify a button press uniquely enough.
      providerMessageId: postback.mid ?? `postback:${visitorId}:${occurredAt.getTime()}`,
      text: postback.title || postback.payload || null,
      attachments: [],
      metadata,
      occurredAt,
    };
  }

  if (item.referral) {
    return { type: 'referral', channel, contact, referral: item.referral, occurredAt };
  }

  return 'messaging event kind not handled';
}

/** Parses one page entry's `messaging` and `standby` arrays into normalized events. */
export function parseMessengerEntry(entry: Record<string, unknown>, pageId: string): ParsedWebhook {
  const channel: ChannelRef = { kind: 'messenger', externalId: pageId };
  const result: ParsedWebhook = { events: [], ignored: [] };
  const items = [
    ...(Array.isArray(entry.messaging) ? entry.messaging : []),
    // Standby events arrive while another app owns the thread; the conversation is still the tenant's.
    ...(Array.isArray(entry.standby) ? entry.standby : []),
  ];

  for (const rawItem of items) {
    const parsed = messagingItemSchema.safeParse(rawItem);
    if (!parsed.success) {
      result.ignored.push({ channel, reason: `invalid messaging event: ${parsed.error.issues[0]?.message ?? 'unknown'}` });
      continue;
    }
    const event = parseMessagingItem(parsed.data, channel, pageId);
    if (typeof event === 'string') result.ignored.push({ channel, reason: event });
    else result.events.push(event);
  }
  return result;
}
