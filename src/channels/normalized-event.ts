/**
 * The one event shape every channel adapter produces. No code past src/channels reads a
 * provider's payload; ingest applies these events to the database.
 */

export type ChannelKind = 'messenger' | 'facebook_page' | 'instagram' | 'whatsapp' | 'webchat';

/** How a webhook names the account it is for; ingest routes it to the channel and its tenant. */
export interface ChannelRef {
  kind: ChannelKind;
  externalId: string;
}

export interface ContactRef {
  /** The provider's id for the person on this channel, such as a page-scoped id. */
  externalId: string;
  profileName?: string;
}

export type AttachmentType =
  | 'image'
  | 'audio'
  | 'video'
  | 'file'
  | 'location'
  | 'fallback'
  | 'sticker'
  | 'template'
  | 'contact'
  /** A post, reel or link shared into an Instagram conversation, which `url` points at. */
  | 'share'
  /**
   * The visitor mentioned the account in an Instagram story. Meta forbids storing the story's
   * media, so only its CDN URL is kept, and it stops working when the story expires.
   */
  | 'story_mention'
  | 'unsupported';

export interface Attachment {
  type: AttachmentType;
  /** The provider's URL; Messenger CDN URLs expire after some hours. */
  url?: string;
  /** The provider's media id, exchanged for a download URL with the channel's token (WhatsApp). */
  providerMediaId?: string;
  /** MIME type when the provider states it. */
  contentType?: string;
  title?: string;
  latitude?: number;
  longitude?: number;
  stickerId?: string;
  /** True for an audio attachment recorded as a voice note (WhatsApp `audio.voice`). */
  isVoiceNote?: boolean;
}

/** Which conversation a message belongs to on its channel. */
export type ThreadRef =
  | { kind: 'private' }
  /**
   * A visitor's comment on a post. A reply under another comment carries `parentCommentId` and
   * joins the conversation holding that comment when Parley stored it.
   */
  | { kind: 'comment_thread'; postId: string; parentCommentId?: string }
  /** A reply whose conversation is the one holding the parent message, such as the Page answering a comment. */
  | { kind: 'reply_to_message'; parentProviderMessageId: string };

export interface MessageEvent {
  type: 'message';
  channel: ChannelRef;
  direction: 'inbound' | 'outbound';
  thread: ThreadRef;
  /** The visitor; for a reply_to_message thread it comes from the parent's conversation instead. */
  contact?: ContactRef;
  providerMessageId: string;
  text: string | null;
  attachments: Attachment[];
  /** Extras such as quick-reply or postback payloads, referral data and the message replied to. */
  metadata: Record<string, unknown>;
  occurredAt: Date;
  /** Our own message id, when an outbound message comes back as an echo carrying it. */
  parleyMessageId?: string;
}

export interface MessageEditedEvent {
  type: 'message_edited';
  channel: ChannelRef;
  providerMessageId: string;
  text: string;
  occurredAt: Date;
}

export interface MessageDeletedEvent {
  type: 'message_deleted';
  channel: ChannelRef;
  providerMessageId: string;
  occurredAt: Date;
}

export interface MessageHiddenEvent {
  type: 'message_hidden';
  channel: ChannelRef;
  providerMessageId: string;
  hidden: boolean;
  occurredAt: Date;
}

export interface MessageReactionEvent {
  type: 'message_reaction';
  channel: ChannelRef;
  providerMessageId: string;
  /** The emoji, or null when the contact removed the reaction. */
  emoji: string | null;
  contact: ContactRef;
  occurredAt: Date;
}

/**
 * The provider's delivery state of one outbound message, named by its id (WhatsApp `statuses[]`).
 * Statuses only move forward; see applyStatusChange in src/ingest for the order.
 */
export interface MessageStatusEvent {
  type: 'message_status';
  channel: ChannelRef;
  providerMessageId: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  /** Why the provider could not deliver the message; set with status failed. */
  error?: { code: string; message: string };
  /** Our own message id, when the provider returns the tag Parley sent with the message. */
  parleyMessageId?: string;
  occurredAt: Date;
}

/** A delivery or read receipt from the contact's client for the Page's outbound messages. */
export interface ReceiptEvent {
  type: 'receipt';
  channel: ChannelRef;
  status: 'delivered' | 'read';
  contact: ContactRef;
  providerMessageIds: string[];
  /** Every outbound message sent at or before this instant is covered. */
  watermark: Date | null;
  /**
   * The newest message the contact has seen, which Instagram names in place of a watermark. It and
   * every outbound message sent before it are covered.
   */
  upToProviderMessageId?: string;
}

/** The contact arrived through a link, ad or plugin without sending a message yet. */
export interface ReferralEvent {
  type: 'referral';
  channel: ChannelRef;
  contact: ContactRef;
  referral: Record<string, unknown>;
  occurredAt: Date;
}

export type NormalizedEvent =
  | MessageEvent
  | MessageEditedEvent
  | MessageDeletedEvent
  | MessageHiddenEvent
  | MessageReactionEvent
  | MessageStatusEvent
  | ReceiptEvent
  | ReferralEvent;

/**
 * The events that change one stored message, named by the provider's id. Ingest keeps one that
 * arrives before its message and applies it when the message is stored.
 */
export type MessageUpdateEvent =
  | MessageEditedEvent
  | MessageDeletedEvent
  | MessageHiddenEvent
  | MessageReactionEvent
  | MessageStatusEvent;

/** A part of a webhook that Parley does not act on, kept for logs and counters. */
export interface IgnoredItem {
  channel?: ChannelRef;
  reason: string;
}

export interface ParsedWebhook {
  events: NormalizedEvent[];
  ignored: IgnoredItem[];
}
