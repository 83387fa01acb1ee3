import type { ChannelKind } from './normalized-event.js';

/** The channel a provider call is made for, with the token it is made with. */
export interface ChannelTarget {
  kind: ChannelKind;
  externalId: string;
  accessToken: string | null;
}

/** A reply to deliver through a provider, described without any database types. */
export interface OutboundMessage {
  channel: ChannelTarget;
  /** The visitor's id on the channel, for private messages. */
  recipientExternalId: string;
  /** For a comment thread: the comment to answer. */
  replyToProviderMessageId?: string;
  /**
   * For a private reply: the comment whose author receives the message in their inbox. Meta
   * allows one private reply per comment.
   */
  privateReplyToCommentId?: string;
  text: string;
  /** Parley's own message id, sent along so the provider's echo can be matched to it. */
  parleyMessageId: string;
}

/** Why a provider rejected a call: Meta's error code as a string, or one of Parley's own codes. */
export interface ProviderFailure {
  ok: false;
  errorCode: string;
  errorMessage: string;
  errorSubcode?: number;
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
  actOnComment(request: CommentActionRequest): Promise<CommentActionResult>;
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
