import type { AgentRow } from '../db/queries/agents.js';
import type { ChannelRow } from '../db/queries/channels.js';
import type { ContactRow } from '../db/queries/contacts.js';
import type { InboxRow } from '../db/queries/conversations.js';
import type { MessageRow } from '../db/queries/messages.js';
import type { TypingPublication } from '../events/publications.js';
import { messageCursor } from '../services/conversations.service.js';
import type { Page } from '../services/pagination.js';
import type { VisitorConversationView } from '../services/visitor.service.js';
import { Agent } from './agent.type.js';
import { Channel } from './channel.type.js';
import { Contact } from './contact.type.js';
import { Conversation } from './conversation.type.js';
import { toGlobalId } from './global-id.js';
import { Attachment, Message, MessageConnection } from './message.type.js';
import { TypingIndicator } from './typing-indicator.type.js';
import { VisitorConversation } from './visitor-conversation.type.js';
import { VisitorProfile } from './visitor-profile.type.js';

// Explicit row → GraphQL mappers, so no database column (a password hash, an access token)
// reaches the API unless it is named here.

export function toAgent(row: AgentRow): Agent {
  return Object.assign(new Agent(), {
    id: toGlobalId('Agent', row.id),
    email: row.email,
    displayName: row.displayName,
    role: row.role,
    languages: row.languages,
    skills: row.skills,
    createdAt: row.createdAt,
  });
}

export function toChannel(row: ChannelRow): Channel {
  return Object.assign(new Channel(), {
    id: toGlobalId('Channel', row.id),
    kind: row.kind,
    name: row.name,
    externalId: row.externalId,
    createdAt: row.createdAt,
  });
}

export function toContact(row: ContactRow): Contact {
  return Object.assign(new Contact(), {
    id: toGlobalId('Contact', row.id),
    displayName: row.displayName,
    email: row.email,
    phone: row.phone,
    createdAt: row.createdAt,
  });
}

function toAttachment(raw: unknown): Attachment {
  const value = (raw ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof value[key] === 'string' ? (value[key] as string) : null);
  const number = (key: string) => (typeof value[key] === 'number' ? (value[key] as number) : null);
  return Object.assign(new Attachment(), {
    type: text('type') ?? 'unsupported',
    url: text('url'),
    title: text('title'),
    latitude: number('latitude'),
    longitude: number('longitude'),
    stickerId: text('stickerId'),
  });
}

export function toMessage(row: MessageRow): Message {
  return Object.assign(new Message(), {
    id: toGlobalId('Message', row.id),
    conversationId: toGlobalId('Conversation', row.conversationId),
    direction: row.direction,
    authorKind: row.authorKind,
    authorAgentId: row.authorAgentId,
    text: row.text,
    attachments: Array.isArray(row.attachments) ? row.attachments.map(toAttachment) : [],
    metadata: (row.metadata ?? {}) as Record<string, unknown>,
    status: row.status,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
    reaction: row.reaction,
    isHidden: row.isHidden,
    providerMessageId: row.providerMessageId,
    sentAt: row.providerTimestamp ?? row.createdAt,
    editedAt: row.editedAt,
    deletedAt: row.deletedAt,
    createdAt: row.createdAt,
  });
}

export function toConversation(row: InboxRow): Conversation {
  const { conversation } = row;
  return Object.assign(new Conversation(), {
    id: toGlobalId('Conversation', conversation.id),
    rowId: conversation.id,
    kind: conversation.kind,
    status: conversation.status,
    handler: conversation.handler,
    postId: conversation.postId,
    contact: toContact(row.contact),
    channel: toChannel(row.channel),
    assignee: row.assignee ? toAgent(row.assignee) : null,
    lastMessage: row.lastMessage ? toMessage(row.lastMessage) : null,
    unreadCount: Number(row.unreadCount),
    lastActivityAt: conversation.lastActivityAt,
    snoozedUntil: conversation.snoozedUntil,
    createdAt: conversation.createdAt,
  });
}

export function toVisitorConversation(view: VisitorConversationView): VisitorConversation {
  const { conversation, contact } = view;
  return Object.assign(new VisitorConversation(), {
    id: toGlobalId('Conversation', conversation.id),
    rowId: conversation.id,
    status: conversation.status,
    handler: conversation.handler,
    visitor: Object.assign(new VisitorProfile(), { name: contact.displayName, email: contact.email }),
    createdAt: conversation.createdAt,
  });
}

export function toTypingIndicator(payload: TypingPublication): TypingIndicator {
  return Object.assign(new TypingIndicator(), {
    conversationId: toGlobalId('Conversation', payload.conversationId),
    actor: payload.actor,
    isTyping: payload.isTyping,
  });
}

export function toMessageConnection(page: Page<MessageRow>): MessageConnection {
  const edges = page.nodes.map((row) => ({ cursor: messageCursor(row), node: toMessage(row) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
