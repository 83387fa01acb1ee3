import { registerEnumType } from 'type-graphql';

// GraphQL enum values are upper case by convention; the database keeps lower case.
// Each enum maps GraphQL names to the database values.

export const AgentRole = { ADMIN: 'admin', SUPERVISOR: 'supervisor', AGENT: 'agent' } as const;
export const ChannelKind = {
  MESSENGER: 'messenger',
  FACEBOOK_PAGE: 'facebook_page',
  INSTAGRAM: 'instagram',
  WHATSAPP: 'whatsapp',
  WEBCHAT: 'webchat',
} as const;
export const ConversationStatus = { OPEN: 'open', PENDING: 'pending', SNOOZED: 'snoozed', RESOLVED: 'resolved' } as const;
export const ConversationKind = { PRIVATE: 'private', COMMENT_THREAD: 'comment_thread' } as const;
export const MessageDirection = { INBOUND: 'inbound', OUTBOUND: 'outbound' } as const;
export const MessageAuthorKind = { CONTACT: 'contact', AGENT: 'agent', PAGE: 'page', BOT: 'bot', SYSTEM: 'system' } as const;
export const ConversationHandler = { HUMAN: 'human', BOT: 'bot' } as const;
export const TypingActor = { VISITOR: 'visitor', AGENT: 'agent' } as const;
export const MessageStatus = {
  RECEIVED: 'received',
  PENDING: 'pending',
  SENT: 'sent',
  DELIVERED: 'delivered',
  READ: 'read',
  FAILED: 'failed',
} as const;

export const OutboundAttachmentType = { IMAGE: 'image', AUDIO: 'audio', VIDEO: 'video', DOCUMENT: 'document' } as const;
export const MediaStorageStatus = { PENDING: 'pending', STORED: 'stored', FAILED: 'failed' } as const;

registerEnumType(AgentRole, { name: 'AgentRole' });
registerEnumType(ChannelKind, { name: 'ChannelKind' });
registerEnumType(ConversationStatus, { name: 'ConversationStatus' });
registerEnumType(ConversationKind, {
  name: 'ConversationKind',
  description: 'PRIVATE is a direct message thread; COMMENT_THREAD is a public comment thread on a post.',
});
registerEnumType(MessageDirection, { name: 'MessageDirection' });
registerEnumType(MessageAuthorKind, {
  name: 'MessageAuthorKind',
  description: "PAGE is a message the page sent outside Parley, such as from Meta Business Suite; BOT is a webchat channel's bot.",
});
registerEnumType(ConversationHandler, {
  name: 'ConversationHandler',
  description: "The side that replies in the conversation: the webchat channel's BOT until a HUMAN takes over.",
});
registerEnumType(TypingActor, { name: 'TypingActor' });
registerEnumType(MessageStatus, {
  name: 'MessageStatus',
  description:
    'RECEIVED for inbound messages. Outbound ones only move forward, PENDING → SENT → DELIVERED → READ, or end FAILED; ' +
    'a FAILED message becomes DELIVERED or READ only when the provider later reports it reached the contact.',
});

export const TenantStatus = { ACTIVE: 'active', SUSPENDED: 'suspended' } as const;
registerEnumType(TenantStatus, {
  name: 'TenantStatus',
  description: "SUSPENDED: the tenant's agents cannot log in or use their tokens, and its webhooks are acknowledged but not stored.",
});
registerEnumType(OutboundAttachmentType, { name: 'OutboundAttachmentType' });
export const DataSubjectKind = { CONTACT: 'contact', AGENT: 'agent' } as const;
export const DataSubjectRequestKind = { ACCESS: 'access', RECTIFICATION: 'rectification', ERASURE: 'erasure' } as const;

registerEnumType(DataSubjectKind, { name: 'DataSubjectKind', description: 'Whose data a request is about: a visitor (contact) or an agent.' });
registerEnumType(DataSubjectRequestKind, { name: 'DataSubjectRequestKind' });
registerEnumType(MediaStorageStatus, {
  name: 'MediaStorageStatus',
  description:
    'PENDING while Parley downloads the file, retrying failures with growing delays; STORED once Parley keeps a copy; ' +
    'FAILED after the last attempt, or at once when the file cannot be copied, such as when it is over the size limit.',
});
