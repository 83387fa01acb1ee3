import type { Tx } from '../../db/database.js';
import { findAgent } from '../../db/queries/agents.js';
import { listAuditEntriesAbout, type AuditLogRow } from '../../db/queries/audit-log.js';
import { findContact } from '../../db/queries/contacts.js';
import { listDataSubjectRequestsAbout, type DataSubjectRequestRow } from '../../db/queries/data-subject-requests.js';
import type { MessageRow } from '../../db/queries/messages.js';
import {
  listContactConversations,
  listContactIdentities,
  listConversationsAssignedTo,
  listEventsByAgent,
  listEventsOfConversations,
  listMediaOfMessages,
  listMessagesByAgent,
  listMessagesOfConversations,
  listPendingUpdatesOfContact,
  listPolicyViewsOfContact,
  type ConversationEventRow,
  type MediaObjectRow,
} from '../../db/queries/subject-records.js';
import { findTenant } from '../../db/queries/tenants.js';
import { notFound } from '../../errors/app-error.js';
import { toJsonObject, toJsonValue, type DataExport, type JsonObject } from '../../privacy/export-document.js';

function exportEnvelope(tenant: { slug: string; name: string }, kind: 'contact' | 'agent', id: string) {
  return {
    format: 'parley-data-export' as const,
    version: 1 as const,
    generatedAt: new Date().toISOString(),
    tenant: { slug: tenant.slug, name: tenant.name },
    subject: { kind, id },
  };
}

function exportMedia(media: MediaObjectRow): JsonObject {
  return toJsonObject({
    mediaId: media.id,
    status: media.status,
    contentType: media.contentType,
    byteSize: media.byteSize,
    createdAt: media.createdAt,
    // TODO(media): put an authenticated, expiring download link here once the media store can sign one.
    downloadUrl: null,
  });
}

/** Exports a message with its attachments, each linked to its stored copy where one exists. */
function exportMessage(message: MessageRow, media: MediaObjectRow[]): JsonObject {
  const attachments = Array.isArray(message.attachments) ? (message.attachments as Record<string, unknown>[]) : [];
  return toJsonObject({
    id: message.id,
    direction: message.direction,
    authorKind: message.authorKind,
    authorAgentId: message.authorAgentId,
    text: message.text,
    attachments: attachments.map((attachment) => {
      const copy = media.find(
        (row) =>
          (row.sourceUrl !== null && row.sourceUrl === attachment.url) ||
          (row.sourceMediaId !== null && row.sourceMediaId === attachment.providerMediaId),
      );
      return { ...attachment, mediaId: copy?.id ?? null };
    }),
    storedFiles: media.map(exportMedia),
    metadata: message.metadata,
    reaction: message.reaction,
    status: message.status,
    providerMessageId: message.providerMessageId,
    isHidden: message.isHidden,
    sentAt: message.providerTimestamp ?? message.createdAt,
    editedAt: message.editedAt,
    deletedAt: message.deletedAt,
    createdAt: message.createdAt,
  });
}

const exportEvent = (event: ConversationEventRow) =>
  toJsonObject({
    id: event.id,
    conversationId: event.conversationId,
    kind: event.kind,
    actorAgentId: event.actorAgentId,
    messageId: event.messageId,
    data: event.data,
    createdAt: event.createdAt,
  });

const exportAuditEntry = (entry: AuditLogRow) =>
  toJsonObject({
    id: entry.id,
    actorKind: entry.actorKind,
    actorId: entry.actorId,
    action: entry.action,
    targetKind: entry.targetKind,
    targetId: entry.targetId,
    data: entry.data,
    createdAt: entry.createdAt,
  });

const exportRequest = (request: DataSubjectRequestRow) =>
  toJsonObject({
    id: request.id,
    kind: request.kind,
    status: request.status,
    requestedByAgentId: request.requestedByAgentId,
    details: request.details,
    createdAt: request.createdAt,
    completedAt: request.completedAt,
  });

/** Collects all data the tenant stores about a contact. Runs in the contact's tenant transaction. */
export async function buildContactExport(tx: Tx, tenantId: string, contactId: string): Promise<DataExport> {
  const tenant = await findTenant(tx, tenantId);
  const contact = await findContact(tx, contactId);
  if (!tenant || !contact) throw notFound('Contact', contactId);

  const identities = await listContactIdentities(tx, contactId);
  const conversations = await listContactConversations(tx, contactId);
  const conversationIds = conversations.map((row) => row.conversation.id);
  const messages = await listMessagesOfConversations(tx, conversationIds);
  const media = await listMediaOfMessages(tx, messages.map((message) => message.id));
  const events = await listEventsOfConversations(tx, conversationIds);

  return {
    ...exportEnvelope(tenant, 'contact', contactId),
    profile: toJsonObject({
      id: contact.id,
      displayName: contact.displayName,
      email: contact.email,
      phone: contact.phone,
      createdAt: contact.createdAt,
      updatedAt: contact.updatedAt,
    }),
    sections: {
      channelIdentities: identities.map(({ identity, channel }) =>
        toJsonObject({
          id: identity.id,
          channel: { id: channel.id, kind: channel.kind, name: channel.name, accountId: channel.externalId },
          externalId: identity.externalId,
          profileName: identity.profileName,
          avatarUrl: identity.avatarUrl,
          locale: identity.locale,
          createdAt: identity.createdAt,
        }),
      ),
      conversations: conversations.map(({ conversation, channel, assigneeName }) =>
        toJsonObject({
          id: conversation.id,
          channel: { id: channel.id, kind: channel.kind, name: channel.name },
          kind: conversation.kind,
          status: conversation.status,
          postId: conversation.postId,
          assignee: assigneeName,
          createdAt: conversation.createdAt,
          lastActivityAt: conversation.lastActivityAt,
          messages: messages
            .filter((message) => message.conversationId === conversation.id)
            .map((message) => exportMessage(message, media.filter((row) => row.messageId === message.id))),
          events: events.filter((event) => event.conversationId === conversation.id).map(exportEvent),
        }),
      ),
      pendingMessageUpdates: (await listPendingUpdatesOfContact(tx, contactId)).map((update) =>
        toJsonObject({ providerMessageId: update.providerMessageId, event: update.event, createdAt: update.createdAt }),
      ),
      privacyPolicyViews: (await listPolicyViewsOfContact(tx, contactId)).map((view) =>
        toJsonObject({ version: view.version, locale: view.locale, shownAt: view.shownAt }),
      ),
      auditEntries: (await listAuditEntriesAbout(tx, 'contact', contactId)).map(exportAuditEntry),
      dataSubjectRequests: (await listDataSubjectRequestsAbout(tx, 'contact', contactId)).map(exportRequest),
    },
  };
}

/** Collects all data the tenant stores about an agent. Runs in the agent's tenant transaction. */
export async function buildAgentExport(tx: Tx, tenantId: string, agentId: string): Promise<DataExport> {
  const tenant = await findTenant(tx, tenantId);
  const agent = await findAgent(tx, agentId);
  if (!tenant || !agent) throw notFound('Agent', agentId);

  const written = await listMessagesByAgent(tx, agentId);
  const media = await listMediaOfMessages(tx, written.map((message) => message.id));
  return {
    ...exportEnvelope(tenant, 'agent', agentId),
    profile: toJsonObject({
      id: agent.id,
      displayName: agent.displayName,
      email: agent.email,
      role: agent.role,
      languages: agent.languages,
      skills: agent.skills,
      createdAt: agent.createdAt,
    }),
    sections: {
      messagesWritten: written.map((message) =>
        toJsonObject({
          conversationId: message.conversationId,
          ...exportMessage(message, media.filter((row) => row.messageId === message.id)),
        }),
      ),
      conversationEvents: (await listEventsByAgent(tx, agentId)).map(exportEvent),
      assignedConversations: (await listConversationsAssignedTo(tx, agentId)).map((row) => toJsonValue(row)),
      auditEntries: (await listAuditEntriesAbout(tx, 'agent', agentId)).map(exportAuditEntry),
      dataSubjectRequests: (await listDataSubjectRequestsAbout(tx, 'agent', agentId)).map(exportRequest),
    },
  };
}
