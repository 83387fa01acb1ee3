import type { ChannelKind } from '../channels/normalized-event.js';
import { AppError, ErrorCode } from '../errors/app-error.js';

const HOUR_MS = 60 * 60 * 1_000;

/**
 * How long after the contact's last message an agent may send free-form messages, per channel kind.
 * WhatsApp allows 24 hours; after that only an approved template reaches the contact.
 */
export const REPLY_WINDOW_MS: Partial<Record<ChannelKind, number>> = {
  whatsapp: 24 * HOUR_MS,
};

/** When free-form replies stop being allowed; null for channels without a window or before any inbound message. */
export function replyWindowClosesAt(kind: ChannelKind, lastInboundAt: Date | null): Date | null {
  const length = REPLY_WINDOW_MS[kind];
  if (length === undefined || !lastInboundAt) return null;
  return new Date(lastInboundAt.getTime() + length);
}

/** Throws REPLY_WINDOW_CLOSED unless the channel has no window or it is still open at `now`. */
export function assertReplyWindowOpen(kind: ChannelKind, lastInboundAt: Date | null, now = new Date()): void {
  const length = REPLY_WINDOW_MS[kind];
  if (length === undefined) return;
  const closesAt = replyWindowClosesAt(kind, lastInboundAt);
  if (closesAt && closesAt.getTime() > now.getTime()) return;

  const hours = length / HOUR_MS;
  const message = closesAt
    ? `The ${kind} reply window closed at ${closesAt.toISOString()}, ${hours} hours after the contact's last message. ` +
      'Send an approved template with sendTemplate, or wait for the contact to write again.'
    : `The contact has not written on this ${kind} channel, so no reply window is open. Send an approved template with sendTemplate.`;
  throw new AppError(ErrorCode.ReplyWindowClosed, message, { replyWindowClosedAt: closesAt?.toISOString() ?? null });
}
