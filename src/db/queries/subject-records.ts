import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../database.js';
import {
  agents,
  channels,
  contactIdentities,
  conversationEvents,
  conversations,
  mediaObjects,
  messages,
  pendingMessageUpdates,
  privacyPolicyViews,
} from '../schema.js';

// Reads all data Parley stores about one person, for the export of an access request. Run in
// the person's tenant, where row-level security keeps every query inside it.

export type ConversationEventRow = typeof conversationEvents.$inferSelect;
export type MediaObjectRow = typeof mediaObjects.$inferSelect;
export type PrivacyPolicyViewRow = typeof privacyPolicyViews.$inferSelect;

export function listContactIdentities(tx: Tx, contactId: string) {
  return tx
    .select({
      identity: contactIdentities,
      channel: { id: channels.id, kind: channels.kind, name: channels.name, externalId: channels.externalId },
    })
    .from(contactIdentities)
    .innerJoin(channels, eq(channels.id, contactIdentities.channelId))
    .where(eq(contactIdentities.contactId, contactId))
    .orderBy(asc(contactIdentities.createdAt), asc(contactIdentities.id));
}

export function listContactConversations(tx: Tx, contactId: string) {
  return tx
    .select({
      conversation: conversations,
      channel: { id: channels.id, kind: channels.kind, name: channels.name },
      assigneeName: agents.displayName,
    })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .leftJoin(agents, eq(agents.id, conversations.assigneeId))
    .where(eq(conversations.contactId, contactId))
    .orderBy(asc(conversations.createdAt), asc(conversations.id));
}

export function listMessagesOfConversations(tx: Tx, conversationIds: string[]) {
  if (conversationIds.length === 0) return Promise.resolve([]);
  return tx
    .select()
    .from(messages)
    .where(inArray(messages.conversationId, conversationIds))
    .orderBy(asc(messages.createdAt), asc(messages.id));
}

export function listEventsOfConversations(tx: Tx, conversationIds: string[]): Promise<ConversationEventRow[]> {
  if (conversationIds.length === 0) return Promise.resolve([]);
  return tx
    .select()
    .from(conversationEvents)
    .where(inArray(conversationEvents.conversationId, conversationIds))
    .orderBy(asc(conversationEvents.id));
}

export function listMediaOfMessages(tx: Tx, messageIds: string[]): Promise<MediaObjectRow[]> {
  if (messageIds.length === 0) return Promise.resolve([]);
  return tx
    .select()
    .from(mediaObjects)
    .where(inArray(mediaObjects.messageId, messageIds))
    .orderBy(asc(mediaObjects.createdAt), asc(mediaObjects.id));
}

export function listPolicyViewsOfContact(tx: Tx, contactId: string): Promise<PrivacyPolicyViewRow[]> {
  return tx
    .select()
    .from(privacyPolicyViews)
    .where(eq(privacyPolicyViews.contactId, contactId))
    .orderBy(asc(privacyPolicyViews.shownAt), asc(privacyPolicyViews.id));
}

export function listMessagesByAgent(tx: Tx, agentId: string) {
  return tx
    .select()
    .from(messages)
    .where(eq(messages.authorAgentId, agentId))
    .orderBy(asc(messages.createdAt), asc(messages.id));
}

export function listEventsByAgent(tx: Tx, agentId: string): Promise<ConversationEventRow[]> {
  return tx
    .select()
    .from(conversationEvents)
    .where(eq(conversationEvents.actorAgentId, agentId))
    .orderBy(asc(conversationEvents.id));
}

export function listConversationsAssignedTo(tx: Tx, agentId: string) {
  return tx
    .select({ id: conversations.id, status: conversations.status, lastActivityAt: conversations.lastActivityAt })
    .from(conversations)
    .where(eq(conversations.assigneeId, agentId))
    .orderBy(asc(conversations.createdAt), asc(conversations.id));
}

/**
 * Matches pending updates that belong to a contact: by the provider ids of the contact's
 * messages, or by the contact's external id in the stored event. Export and erasure share it.
 */
export function pendingUpdateOfContact(contactId: string) {
  return sql`(exists (
    select 1 from ${messages} m join ${conversations} c on c.id = m.conversation_id
    where c.contact_id = ${contactId}
      and m.channel_id = ${pendingMessageUpdates.channelId}
      and m.provider_message_id = ${pendingMessageUpdates.providerMessageId}
  ) or exists (
    select 1 from ${contactIdentities} i
    where i.contact_id = ${contactId}
      and i.channel_id = ${pendingMessageUpdates.channelId}
      and ${pendingMessageUpdates.event} -> 'contact' ->> 'externalId' = i.external_id
  ))`;
}

/** Updates waiting for a message of the contact that has not arrived yet. */
export function listPendingUpdatesOfContact(tx: Tx, contactId: string) {
  return tx.select().from(pendingMessageUpdates).where(pendingUpdateOfContact(contactId)).orderBy(asc(pendingMessageUpdates.id));
}
