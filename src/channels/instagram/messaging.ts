import { z } from 'zod';
import type {
  Attachment,
  AttachmentType,
  ChannelRef,
  NormalizedEvent,
  ParsedWebhook,
} from '../normalized-event.js';
import { metaId, metaTime, visitorIdOf } from '../meta/common.js';

// Instagram messaging webhooks (object "instagram", entry[].messaging[] and entry[].standby[]).
// The shapes follow Messenger's, with Instagram's own attachment types, no delivery receipts and
// read receipts (messaging_seen) that name a message instead of a watermark.

const attachmentSchema = z
  .object({
    type: z.string(),
    payload: z
      .object({ url: z.string().optional(), title: z.string().optional() })
      .loose()
      .nullable()
      .optional(),
  })
  .loose();

const messageSchema = z.object({
  mid: z.string(),
  text: z.string().optional(),
  is_echo: z.boolean().optional(),
  is_deleted: z.boolean().optional(),
  is_unsupported: z.boolean().optional(),
  quick_reply: z.object({ payload: z.string() }).optional(),
  reply_to: z
    .object({
      mid: z.string().optional(),
      story: z.object({ id: metaId.optional(), url: z.string().optional() }).optional(),
    })
    .optional(),
  attachments: z.array(attachmentSchema).optional(),
});

const messagingItemSchema = z.object({
  sender: z.object({ id: metaId.optional() }),
  recipient: z.object({ id: metaId.optional() }),
  timestamp: metaTime.optional(),
  message: messageSchema.optional(),
  reaction: z
    .object({
      mid: z.string(),
      action: z.enum(['react', 'unreact']),
      emoji: z.string().optional(),
      reaction: z.string().optional(),
    })
    .optional(),
  read: z.object({ mid: z.string().optional() }).optional(),
  postback: z
    .object({ mid: z.string().optional(), title: z.string().optional(), payload: z.string().optional() })
    .optional(),
  referral: z.record(z.string(), z.unknown()).optional(),
});

type MessagingItem = z.infer<typeof messagingItemSchema>;
type InstagramMessage = z.infer<typeof messageSchema>;

/** Instagram attachment types by the normalized type they become; anything else is unsupported. */
const ATTACHMENT_TYPES: Record<string, AttachmentType> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  file: 'file',
  share: 'share',
  // Reels shared into the conversation; Meta has sent both names.
  ig_reel: 'share',
  reel: 'share',
  story_mention: 'story_mention',
};

function toAttachment(raw: z.infer<typeof attachmentSchema>): Attachment {
  const attachment: Attachment = { type: ATTACHMENT_TYPES[raw.type] ?? 'unsupported' };
  if (raw.payload?.url) attachment.url = raw.payload.url;
  if (raw.payload?.title) attachment.title = raw.payload.title;
  return attachment;
}

function messageMetadata(message: InstagramMessage): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  if (message.quick_reply) metadata.quickReplyPayload = message.quick_reply.payload;
  if (message.reply_to?.mid) metadata.replyToProviderMessageId = message.reply_to.mid;
  const story = message.reply_to?.story;
  if (story) metadata.replyToStory = { id: story.id ?? null, url: story.url ?? null };
  return metadata;
}

function parseMessagingItem(item: MessagingItem, channel: ChannelRef, accountId: string): NormalizedEvent | string {
  const visitorId = visitorIdOf(item, accountId);
  if (!visitorId) return 'no visitor id';
  const contact = { externalId: visitorId };
  const occurredAt = item.timestamp ?? new Date();

  if (item.message) {
    const message = item.message;
    if (message.is_deleted) {
      return { type: 'message_deleted', channel, providerMessageId: message.mid, occurredAt };
    }
    const attachments = (message.attachments ?? []).map(toAttachment);
    if (message.is_unsupported) attachments.push({ type: 'unsupported' });
    // Instagram echoes carry no Parley id (the Send API has no metadata field), so the echo of an
    // agent's reply is matched by the mid the Send API returned for it.
    return {
      type: 'message',
      channel,
      direction: message.is_echo ? 'outbound' : 'inbound',
      thread: { kind: 'private' },
      contact,
      providerMessageId: message.mid,
      text: message.text ?? null,
      attachments,
      metadata: messageMetadata(message),
      occurredAt,
    };
  }

  if (item.reaction) {
    const emoji = item.reaction.action === 'react' ? (item.reaction.emoji ?? item.reaction.reaction ?? null) : null;
    return { type: 'message_reaction', channel, providerMessageId: item.reaction.mid, emoji, contact, occurredAt };
  }

  if (item.read) {
    // Only the visitor's reading moves the account's messages to READ.
    if (item.sender.id === accountId) return 'read receipt from the account itself';
    if (!item.read.mid) return 'read receipt without mid';
    return {
      type: 'receipt',
      channel,
      status: 'read',
      contact,
      providerMessageIds: [],
      watermark: null,
      upToProviderMessageId: item.read.mid,
    };
  }

  if (item.postback) {
    const postback = item.postback;
    return {
      type: 'message',
      channel,
      direction: 'inbound',
      thread: { kind: 'private' },
      contact,
      providerMessageId: postback.mid ?? `postback:${visitorId}:${occurredAt.getTime()}`,
      text: postback.title || postback.payload || null,
      attachments: [],
      metadata: { postback: { title: postback.title ?? null, payload: postback.payload ?? null } },
      occurredAt,
    };
  }

  if (item.referral) {
    return { type: 'referral', channel, contact, referral: item.referral, occurredAt };
  }

  return 'messaging event kind not handled';
}

/** Parses one Instagram entry's `messaging` and `standby` arrays into normalized events. */
export function parseInstagramMessagingEntry(entry: Record<string, unknown>, accountId: string): ParsedWebhook {
  const channel: ChannelRef = { kind: 'instagram', externalId: accountId };
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
    const event = parseMessagingItem(parsed.data, channel, accountId);
    if (typeof event === 'string') result.ignored.push({ channel, reason: event });
    else result.events.push(event);
  }
  return result;
}
