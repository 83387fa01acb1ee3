import { z } from 'zod';
import type { ChannelRef, NormalizedEvent, ParsedWebhook } from '../normalized-event.js';
import { metaId, metaTime } from '../meta/common.js';

// Comments on the Instagram account's media (object "instagram", entry[].changes[], field
// "comments"). Meta sends one change per new comment; it sends none for edits or deletions.

const commentValueSchema = z.object({
  id: metaId,
  text: z.string().optional(),
  from: z.object({ id: metaId, username: z.string().optional() }).optional(),
  media: z.object({ id: metaId, media_product_type: z.string().optional() }).optional(),
  parent_id: metaId.optional(),
});

type CommentValue = z.infer<typeof commentValueSchema>;

function parseComment(value: CommentValue, channel: ChannelRef, accountId: string, occurredAt: Date): NormalizedEvent | string {
  // Payloads from before October 2021 carry only id and text, which cannot be filed anywhere.
  if (!value.from) return 'comment without author';
  if (!value.media) return 'comment without media';

  const mediaId = value.media.id;
  const metadata: Record<string, unknown> = { mediaId };
  if (value.media.media_product_type) metadata.mediaProductType = value.media.media_product_type;
  if (value.parent_id) metadata.parentCommentId = value.parent_id;
  const base = {
    type: 'message' as const,
    channel,
    providerMessageId: value.id,
    text: value.text ?? null,
    attachments: [],
    metadata,
    occurredAt,
  };

  if (value.from.id === accountId) {
    // The account's own comment: a reply in a visitor's thread, or a remark on its own media
    // that belongs to no conversation.
    if (!value.parent_id) return 'top-level comment by the account itself';
    return { ...base, direction: 'outbound', thread: { kind: 'reply_to_message', parentProviderMessageId: value.parent_id } };
  }
  return {
    ...base,
    direction: 'inbound',
    thread: {
      kind: 'comment_thread',
      postId: mediaId,
      ...(value.parent_id ? { parentCommentId: value.parent_id } : {}),
    },
    contact: {
      externalId: value.from.id,
      ...(value.from.username ? { profileName: value.from.username } : {}),
    },
  };
}

/** Parses one Instagram entry's `changes` array; only comments become events. */
export function parseInstagramCommentsEntry(entry: Record<string, unknown>, accountId: string): ParsedWebhook {
  const channel: ChannelRef = { kind: 'instagram', externalId: accountId };
  const result: ParsedWebhook = { events: [], ignored: [] };
  const changes = Array.isArray(entry.changes) ? entry.changes : [];
  // Comment changes have no time of their own; the entry's time is when Meta sent the change.
  const entryTime = metaTime.safeParse(entry.time);
  const occurredAt = entryTime.success ? entryTime.data : new Date();

  for (const change of changes) {
    const field = (change as { field?: unknown }).field;
    if (field !== 'comments') {
      // TODO(instagram): live_comments (comments during a live broadcast) and mentions are not filed yet.
      result.ignored.push({ channel, reason: `instagram field "${String(field)}" not handled` });
      continue;
    }
    const parsed = commentValueSchema.safeParse((change as { value?: unknown }).value);
    if (!parsed.success) {
      result.ignored.push({ channel, reason: `invalid instagram comment: ${parsed.error.issues[0]?.message ?? 'unknown'}` });
      continue;
    }
    const event = parseComment(parsed.data, channel, accountId, occurredAt);
    if (typeof event === 'string') result.ignored.push({ channel, reason: event });
    else result.events.push(event);
  }
  return result;
}
