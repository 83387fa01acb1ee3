import type { AgentRow } from '../db/queries/agents.js';
import type { ChannelRow } from '../db/queries/channels.js';
import type { ContactRow } from '../db/queries/contacts.js';
import type { DataSubjectRequestRow } from '../db/queries/data-subject-requests.js';
import type { TenantRetention } from '../db/queries/retention.js';
import type { InboxRow } from '../db/queries/conversations.js';
import { ParleyMetadataKey, type MessagePageRow, type MessageRow } from '../db/queries/messages.js';
import type { TypingPublication } from '../events/publications.js';
import { messageCursor } from '../services/conversations.service.js';
import type { Page } from '../services/pagination.js';
import type { VisitorConversationView } from '../services/visitor.service.js';
import { Agent } from './agent.type.js';
import { Channel } from './channel.type.js';
import { Contact } from './contact.type.js';
import { Conversation } from './conversation.type.js';
import { DataSubjectRequest } from './data-subject-request.type.js';
import { toGlobalId } from './global-id.js';
import { Attachment } from './attachment.type.js';
import { Message, MessageConnection } from './message.type.js';
import { TypingIndicator } from './typing-indicator.type.js';
import { VisitorConversation } from './visitor-conversation.type.js';
import { VisitorProfile } from './visitor-profile.type.js';
import type { AuditEntryRow } from '../db/queries/audit-log.js';
import type { OperatorRow } from '../db/queries/operators.js';
import type { TenantWithUsage } from '../services/operator-tenants.service.js';
import type { PublishedPolicy } from '../services/privacy-policy.service.js';
import { AuditEntry } from './audit-entry.type.js';
import type { NodeType } from './global-id.js';
import { Operator } from './operator.type.js';
import { PrivacyPolicy, PrivacyPolicyText } from './privacy-policy.type.js';
import { Tenant } from './tenant.type.js';
import { TenantUsage } from './tenant-usage.type.js';
import { replyWindowClosesAt } from '../services/reply-window.js';
import { RetentionSettings } from './retention-settings.type.js';

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
    tenantId: row.tenantId,
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

/** Splits Parley's own metadata keys, which become typed fields, from the channel's extras. */
function splitMetadata(raw: unknown) {
  const {
    [ParleyMetadataKey.authorContactId]: authorContactId,
    [ParleyMetadataKey.privateReplyMessageId]: privateReplyId,
    [ParleyMetadataKey.likedAt]: likedAt,
    ...extras
  } = (raw ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return { authorContactId: text(authorContactId), privateReplyId: text(privateReplyId), likedAt: text(likedAt), extras };
}

export function toMessage(row: MessageRow): Message {
  const metadata = splitMetadata(row.metadata);
  return Object.assign(new Message(), {
    id: toGlobalId('Message', row.id),
    conversationId: toGlobalId('Conversation', row.conversationId),
    direction: row.direction,
    authorKind: row.authorKind,
    authorAgentId: row.authorAgentId,
    authorContactId: metadata.authorContactId,
    text: row.text,
    attachments: Array.isArray(row.attachments) ? row.attachments.map(toAttachment) : [],
    metadata: metadata.extras,
    status: row.status,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
    reaction: row.reaction,
    isHidden: row.isHidden,
    likedAt: metadata.likedAt ? new Date(metadata.likedAt) : null,
    privateReplyId: metadata.privateReplyId ? toGlobalId('Message', metadata.privateReplyId) : null,
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
    replyWindowClosesAt: replyWindowClosesAt(row.channel.kind, conversation.lastInboundAt),
    createdAt: conversation.createdAt,
  });
}

export function toTenant(row: TenantWithUsage): Tenant {
  return Object.assign(new Tenant(), {
    id: toGlobalId('Tenant', row.id),
    slug: row.slug,
    name: row.name,
    status: row.status,
    createdAt: row.createdAt,
    usage: Object.assign(new TenantUsage(), row.usage),
  });
}

export function toOperator(row: OperatorRow): Operator {
  return Object.assign(new Operator(), {
    id: toGlobalId('Operator', row.id),
    email: row.email,
    displayName: row.displayName,
    createdAt: row.createdAt,
  });
}

// Audit rows name their actor and target by kind and row id; those with a GraphQL type get its global id.
const NODE_TYPE_OF_KIND: Record<string, NodeType> = {
  agent: 'Agent',
  channel: 'Channel',
  contact: 'Contact',
  conversation: 'Conversation',
  message: 'Message',
  operator: 'Operator',
  tenant: 'Tenant',
};

const auditId = (kind: string | null, id: string | null) => {
  const type = kind ? NODE_TYPE_OF_KIND[kind] : undefined;
  return id && type ? toGlobalId(type, id) : id;
};

export function toAuditEntry(row: AuditEntryRow): AuditEntry {
  return Object.assign(new AuditEntry(), {
    id: String(row.id),
    action: row.action,
    actorKind: row.actorKind,
    actorId: auditId(row.actorKind, row.actorId),
    targetKind: row.targetKind,
    targetId: auditId(row.targetKind, row.targetId),
    data: (row.data ?? {}) as Record<string, unknown>,
    createdAt: row.createdAt,
  });
}

export function toPrivacyPolicy(policy: PublishedPolicy, url: string): PrivacyPolicy {
  return Object.assign(new PrivacyPolicy(), {
    version: policy.version,
    publishedAt: policy.publishedAt,
    url,
    texts: policy.texts.map((text) =>
      Object.assign(new PrivacyPolicyText(), { locale: text.locale, title: text.title, body: text.body }),
    ),
  });
}

export function toDataSubjectRequest(row: DataSubjectRequestRow): DataSubjectRequest {
  return Object.assign(new DataSubjectRequest(), {
    id: row.id,
    subjectKind: row.subjectKind,
    subjectId: toGlobalId(row.subjectKind === 'contact' ? 'Contact' : 'Agent', row.subjectId),
    kind: row.kind,
    status: row.status,
    requestedByAgentId: row.requestedByAgentId ? toGlobalId('Agent', row.requestedByAgentId) : null,
    details: (row.details ?? {}) as Record<string, unknown>,
    createdAt: row.createdAt,
    completedAt: row.completedAt,
  });
}

export function toRetentionSettings(row: TenantRetention): RetentionSettings {
  return Object.assign(new RetentionSettings(), {
    conversationDays: row.retentionDays,
    attachmentDays: row.attachmentRetentionDays,
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

export function toMessageConnection(page: Page<MessagePageRow>): MessageConnection {
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
