import type { ChannelKind } from './normalized-event.js';

export interface OutboundChannel {
  kind: ChannelKind;
  externalId: string;
  accessToken: string | null;
}

/** The channel a provider call is made for, with the token it is made with. */
export type ChannelTarget = OutboundChannel;

/** A file the provider fetches from a public URL and sends to the contact. */
export interface OutboundAttachment {
  type: 'image' | 'audio' | 'video' | 'document';
  url: string;
  caption?: string;
}

/** A message template the provider approved, with the values for its placeholders. */
export interface OutboundTemplate {
  name: string;
  /** The template's language and locale code, such as "en_US". */
  languageCode: string;
  /** The provider's component objects (header, body, button parameters), passed through as given. */
  components: Record<string, unknown>[];
}

/** A reply to deliver through a provider. */
export interface OutboundMessage {
  channel: OutboundChannel;
  /** The visitor's id on the channel, for private messages. */
  recipientExternalId: string;
  /** For a comment thread: the comment to answer. */
  replyToProviderMessageId?: string;
  /** The text; empty when the message carries only an attachment or a template. */
  /**
   * For a private reply: the comment whose author receives the message in their inbox. Meta
   * allows one private reply per comment.
   */
  privateReplyToCommentId?: string;
  text: string;
  attachments?: OutboundAttachment[];
  template?: OutboundTemplate;
  /** Parley's own message id, sent along so the provider's echo or status can be matched to it. */
  parleyMessageId: string;
}

export interface ProviderFailure {
  ok: false;
  errorCode: string;
  errorMessage: string;
  errorSubcode?: number;
}

/** Tells the provider that the agents have read the contact's messages up to this one. */
export interface ReadReceipt {
  channel: OutboundChannel;
  providerMessageId: string;
}

export type SendResult = { ok: true; providerMessageId: string; sentAt: Date } | ProviderFailure;

/** A moderation action on a comment, taken on the provider. */
export type CommentAction = { type: 'set_hidden'; hidden: boolean } | { type: 'like' };

export interface CommentActionRequest {
  channel: ChannelTarget;
  /** The provider's id of the comment. */
  commentId: string;
  action: CommentAction;
}

export type CommentActionResult = { ok: true } | ProviderFailure;

/** Sends replies and comment actions for one or more channel kinds through the provider's API. */
export interface ChannelSender {
  send(message: OutboundMessage): Promise<SendResult>;
  /** Sends a read receipt; channels without them leave this out. */
  markRead?(receipt: ReadReceipt): Promise<{ ok: true } | ProviderFailure>;
  /** Hides, unhides or likes a comment; channels without comments leave this out. */
  actOnComment?(request: CommentActionRequest): Promise<CommentActionResult>;
}

/** Maximum text length per channel kind, checked before anything is stored or sent. */
// TODO(instagram): Instagram counts 1,000 UTF-8 bytes, not characters; longer non-ASCII text fails at Meta.
export const MAX_TEXT_LENGTH: Record<ChannelKind, number> = {
  messenger: 2_000,
  facebook_page: 8_000,
  instagram: 1_000,
  whatsapp: 4_096,
  webchat: 10_000,
};

/** Attachments by URL one message may carry per channel kind; 0 where Parley sends none yet. */
export const MAX_OUTBOUND_ATTACHMENTS: Record<ChannelKind, number> = {
  messenger: 0,
  facebook_page: 0,
  instagram: 0,
  // WhatsApp sends one media object per message.
  whatsapp: 1,
  webchat: 0,
};

/** Maximum caption length of an outbound attachment (WhatsApp media captions). */
export const MAX_CAPTION_LENGTH = 1_024;

/** Channel kinds whose provider takes read receipts from Parley. */
export const SENDS_READ_RECEIPTS: ReadonlySet<ChannelKind> = new Set(['whatsapp']);

/** A message template as the provider lists it. */
export interface MessageTemplate {
  name: string;
  language: string;
  /** The provider's review state, such as APPROVED, PENDING, REJECTED or PAUSED. */
  status: string;
  category: string;
  components: Record<string, unknown>[];
}

/** Lists the message templates of a provider account, such as a WhatsApp Business account. */
export interface TemplateCatalog {
  listTemplates(account: { accountId: string; accessToken: string | null }): Promise<
    { ok: true; templates: MessageTemplate[] } | ProviderFailure
  >;
}
export type CommentCapability = CommentAction['type'] | 'private_reply';

/**
 * The comment actions each channel kind supports through Meta's APIs. Instagram's API has no
 * edge for liking a comment.
 */
export const COMMENT_CAPABILITIES: Record<ChannelKind, ReadonlySet<CommentCapability>> = {
  messenger: new Set(),
  facebook_page: new Set(['set_hidden', 'like', 'private_reply']),
  instagram: new Set(['set_hidden', 'private_reply']),
  whatsapp: new Set(),
  webchat: new Set(),
};
