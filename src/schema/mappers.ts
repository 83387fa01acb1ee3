import type { AgentRow } from '../db/queries/agents.js';
import type { ChannelRow } from '../db/queries/channels.js';
import type { ContactRow } from '../db/queries/contacts.js';
import type { InboxRow } from '../db/queries/conversations.js';
import type { MessageRow } from '../db/queries/messages.js';
import { Agent } from './agent.type.js';
import { Channel } from './channel.type.js';
import { Contact } from './contact.type.js';
import { Conversation } from './conversation.type.js';
import { toGlobalId } from './global-id.js';
import { Attachment } from './attachment.type.js';
import { Message } from './message.type.js';

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
  const mediaRowId = text('mediaId');
  return Object.assign(new Attachment(), {
    id: mediaRowId ? toGlobalId('Attachment', mediaRowId) : null,
    mediaRowId,
    type: text('type') ?? 'unsupported',
    url: text('url'),
    title: text('title'),
    latitude: number('latitude'),
    longitude: number('longitude'),
    stickerId: text('stickerId'),
    contentType: text('contentType'),
    byteSize: number('byteSize'),
    storageStatus: text('storageStatus'),
    storageAttempts: number('storageAttempts'),
    storageError: text('storageError'),
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
