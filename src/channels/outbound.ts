import type { ChannelKind } from './normalized-event.js';

/** A reply to deliver through a provider, described without any database types. */
export interface OutboundMessage {
  channel: { kind: ChannelKind; externalId: string; accessToken: string | null };
  /** The visitor's id on the channel, for private messages. */
  recipientExternalId: string;
  /** For a comment thread: the comment to answer. */
  replyToProviderMessageId?: string;
  text: string;
  /** Parley's own message id, sent along so the provider's echo can be matched to it. */
  parleyMessageId: string;
}

export type SendResult =
  | { ok: true; providerMessageId: string; sentAt: Date }
  | { ok: false; errorCode: string; errorMessage: string; errorSubcode?: number };

/** Sends replies for one or more channel kinds through the provider's API. */
export interface ChannelSender {
  send(message: OutboundMessage): Promise<SendResult>;
}

/** Maximum text length per channel kind, checked before anything is stored or sent. */
export const MAX_TEXT_LENGTH: Record<ChannelKind, number> = {
  messenger: 2_000,
  facebook_page: 8_000,
  instagram: 1_000,
  whatsapp: 4_096,
  webchat: 10_000,
};
