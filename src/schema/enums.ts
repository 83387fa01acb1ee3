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
  description: 'RECEIVED for inbound messages; outbound ones move PENDING → SENT → DELIVERED → READ, or end FAILED.',
});
