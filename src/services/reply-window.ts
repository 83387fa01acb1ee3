import type { ChannelKind } from '../channels/normalized-event.js';
import { AppError, ErrorCode } from '../errors/app-error.js';

const HOUR_MS = 60 * 60 * 1_000;

interface ReplyWindowRule {
  /** How long after the contact's last message free-form messages are allowed. */
  lengthMs: number;
  /** The provider's name for messages, such as "WhatsApp". */
  channelName: string;
}

/** Channels that allow free-form messages only for a while after the contact wrote; templates still go out after. */
const REPLY_WINDOWS: Partial<Record<ChannelKind, ReplyWindowRule>> = {
  whatsapp: { lengthMs: 24 * HOUR_MS, channelName: 'WhatsApp' },
};

/** When free-form replies stop being allowed; null for channels without a window or before any inbound message. */
export function replyWindowClosesAt(kind: ChannelKind, lastInboundAt: Date | null): Date | null {
  const rule = REPLY_WINDOWS[kind];
  if (!rule || !lastInboundAt) return null;
  return new Date(lastInboundAt.getTime() + rule.lengthMs);
}

/** Throws REPLY_WINDOW_CLOSED unless the channel has no window or it is still open at `now`. */
export function assertReplyWindowOpen(kind: ChannelKind, lastInboundAt: Date | null, now = new Date()): void {
  const rule = REPLY_WINDOWS[kind];
  if (!rule) return;
  const closesAt = replyWindowClosesAt(kind, lastInboundAt);
  if (closesAt && closesAt.getTime() > now.getTime()) return;

  const hours = rule.lengthMs / HOUR_MS;
  const message = closesAt
    ? `The ${rule.channelName} reply window closed at ${closesAt.toISOString()}, ${hours} hours after the contact's last message. ` +
      'Send an approved template with sendTemplate, or wait for the contact to write again.'
    : `The contact has not written on this ${rule.channelName} number, so no reply window is open. Send an approved template with sendTemplate.`;
  throw new AppError(ErrorCode.ReplyWindowClosed, message, { replyWindowClosedAt: closesAt?.toISOString() ?? null });
}
