import { z } from 'zod';
import type { ChannelRef, NormalizedEvent, ParsedWebhook } from '../normalized-event.js';
import { metaId, metaTime } from './common.js';

// Facebook Page webhooks, field "feed" (object "page", entry[].changes[]).

const commentValueSchema = z.object({
  item: z.literal('comment'),
  verb: z.string(),
  comment_id: metaId,
  post_id: metaId,
  parent_id: metaId.optional(),
  from: z.object({ id: metaId, name: z.string().optional() }).optional(),
  message: z.string().optional(),
  created_time: metaTime.optional().catch(undefined),
  photo: z.string().optional(),
  video: z.string().optional(),
});

type CommentValue = z.infer<typeof commentValueSchema>;

function parseComment(
  value: CommentValue,
  channel: ChannelRef,
  pageId: string,
  entryTime: Date,
): NormalizedEvent | string {
  // A change to an existing comment is dated by the entry's time, because created_time stays the
  // comment's creation time on edited, hide and unhide changes.
  // NOTE: this reading of created_time matches the payloads in test/fixtures/meta, not a documented rule.
  const occurredAt = value.verb === 'add' ? (value.created_time ?? entryTime) : entryTime;
  const providerMessageId = value.comment_id;

  switch (value.verb) {
    case 'add': {
      if (!value.from) return 'comment without author';
      const attachments = [];
      if (value.photo) attachments.push({ type: 'image' as const, url: value.photo });
      if (value.video) attachments.push({ type: 'video' as const, url: value.video });
      const isReply = value.parent_id !== undefined && value.parent_id !== value.post_id;
      const base = {
        type: 'message' as const,
        channel,
        providerMessageId,
        text: value.message ?? null,
        attachments,
        metadata: { postId: value.post_id, ...(isReply ? { parentCommentId: value.parent_id } : {}) },
        occurredAt,
      };

      if (value.from.id === pageId) {
        // The Page's own comment: an answer in a visitor's thread, or a remark on its own post
        // that belongs to no conversation.
        if (!isReply || !value.parent_id) return 'top-level comment by the page itself';
        return {
          ...base,
          direction: 'outbound',
          thread: { kind: 'reply_to_message', parentProviderMessageId: value.parent_id },
        };
      }
      return {
        ...base,
        direction: 'inbound',
        thread: {
          kind: 'comment_thread',
          postId: value.post_id,
          ...(isReply && value.parent_id ? { parentCommentId: value.parent_id } : {}),
        },
        contact: {
          externalId: value.from.id,
          ...(value.from.name ? { profileName: value.from.name } : {}),
        },
      };
    }
    case 'edited':
      return { type: 'message_edited', channel, providerMessageId, text: value.message ?? '', occurredAt };
    case 'remove':
      return { type: 'message_deleted', channel, providerMessageId, occurredAt };
    case 'hide':
    case 'unhide':
      return { type: 'message_hidden', channel, providerMessageId, hidden: value.verb === 'hide', occurredAt };
    default:
      return `comment verb "${value.verb}" not handled`;
  }
}

/** Parses one page entry's `changes` array; only comments become events. */
export function parsePageFeedEntry(entry: Record<string, unknown>, pageId: string): ParsedWebhook {
  const channel: ChannelRef = { kind: 'facebook_page', externalId: pageId };
  const result: ParsedWebhook = { events: [], ignored: [] };
  const entryTime = metaTime.safeParse(entry.time);
  const changes = Array.isArray(entry.changes) ? entry.changes : [];

  for (const change of changes) {
    const field = (change as { field?: unknown }).field;
    const value = (change as { value?: { item?: unknown } }).value;
    if (field !== 'feed') {
      result.ignored.push({ channel, reason: `page field "${String(field)}" not handled` });
      continue;
    }
    if (value?.item !== 'comment') {
      result.ignored.push({ channel, reason: `feed item "${String(value?.item)}" not handled` });
      continue;
    }
    const parsed = commentValueSchema.safeParse(value);
    if (!parsed.success) {
      result.ignored.push({ channel, reason: `invalid feed comment: ${parsed.error.issues[0]?.message ?? 'unknown'}` });
      continue;
    }
    const event = parseComment(parsed.data, channel, pageId, entryTime.success ? entryTime.data : new Date());
    if (typeof event === 'string') result.ignored.push({ channel, reason: event });
    else result.events.push(event);
  }
  return result;
}
