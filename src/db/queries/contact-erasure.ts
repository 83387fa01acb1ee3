import { and, count, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../database.js';
import {
  channels,
  contactIdentities,
  contacts,
  conversationEvents,
  conversations,
  mediaObjects,
  messages,
  pendingMessageUpdates,
  privacyPolicyViews,
} from '../schema.js';
import { pendingUpdateOfContact } from './subject-records.js';

/** Rows an erasure removed, as anonymous counts: the only statistics a tenant keeps of the person. */
export interface ContactErasureCounts {
  channelIdentities: number;
  conversations: number;
  /** Conversations by channel kind, such as { messenger: 2 }. */
  conversationsByChannelKind: Record<string, number>;
  inboundMessages: number;
  outboundMessages: number;
  conversationEvents: number;
  mediaObjects: number;
  pendingMessageUpdates: number;
  privacyPolicyViews: number;
}

export interface ContactErasure {
  counts: ContactErasureCounts;
  /** Keys of stored attachment files, deleted from storage after the transaction commits. */
  storageKeys: string[];
}

const countOf = async (query: Promise<{ value: number }[]>) => Number((await query)[0]?.value ?? 0);

/**
 * Deletes a contact and everything that hangs off it, returning what was removed as counts.
 *
 * Deleting the contacts row cascades to contact_identities, conversations and
 * privacy_policy_views; conversations cascade to messages and conversation_events, and messages
 * to media_objects. So the conversation event log loses these conversations too: the counts
 * returned here, stored in the request and the audit entry, are the anonymous statistics that
 * remain. pending_message_updates has no foreign key to the contact, so it is cleared here
 * explicitly, matched as pendingUpdateOfContact describes.
 */
export async function deleteContactWithData(tx: Tx, contactId: string): Promise<ContactErasure> {
  const conversationRows = await tx
    .select({ id: conversations.id, channelKind: channels.kind })
    .from(conversations)
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(eq(conversations.contactId, contactId));
  const conversationIds = conversationRows.map((row) => row.id);
  const conversationsByChannelKind: Record<string, number> = {};
  for (const row of conversationRows) {
    conversationsByChannelKind[row.channelKind] = (conversationsByChannelKind[row.channelKind] ?? 0) + 1;
  }

  const messageCounts =
    conversationIds.length === 0
      ? []
      : await tx
          .select({ direction: messages.direction, value: count() })
          .from(messages)
          .where(inArray(messages.conversationId, conversationIds))
          .groupBy(messages.direction);
  const media =
    conversationIds.length === 0
      ? []
      : await tx
          .select({ id: mediaObjects.id, storageKey: mediaObjects.storageKey })
          .from(mediaObjects)
          .innerJoin(messages, eq(messages.id, mediaObjects.messageId))
          .where(inArray(messages.conversationId, conversationIds));
  const eventCount =
    conversationIds.length === 0
      ? 0
      : await countOf(
          tx.select({ value: count() }).from(conversationEvents).where(inArray(conversationEvents.conversationId, conversationIds)),
        );
  const identityCount = await countOf(
    tx.select({ value: count() }).from(contactIdentities).where(eq(contactIdentities.contactId, contactId)),
  );
  const viewCount = await countOf(
    tx.select({ value: count() }).from(privacyPolicyViews).where(eq(privacyPolicyViews.contactId, contactId)),
  );

  const pending = await tx
    .delete(pendingMessageUpdates)
    .where(pendingUpdateOfContact(contactId))
    .returning({ id: pendingMessageUpdates.id });

  await tx.delete(contacts).where(eq(contacts.id, contactId));

  const messagesIn = (direction: 'inbound' | 'outbound') =>
    Number(messageCounts.find((row) => row.direction === direction)?.value ?? 0);
  return {
    counts: {
      channelIdentities: identityCount,
      conversations: conversationIds.length,
      conversationsByChannelKind,
      inboundMessages: messagesIn('inbound'),
      outboundMessages: messagesIn('outbound'),
      conversationEvents: eventCount,
      mediaObjects: media.length,
      pendingMessageUpdates: pending.length,
      privacyPolicyViews: viewCount,
    },
    storageKeys: media.flatMap((row) => (row.storageKey ? [row.storageKey] : [])),
  };
}

/** Contacts in every tenant with an identity of this external id on a channel of these kinds. Run as the system. */
export function findContactsByExternalId(tx: Tx, externalId: string, channelKinds: (typeof channels.$inferSelect.kind)[]) {
  return tx
    .selectDistinct({ tenantId: contactIdentities.tenantId, contactId: contactIdentities.contactId })
    .from(contactIdentities)
    .innerJoin(channels, eq(channels.id, contactIdentities.channelId))
    .where(and(eq(contactIdentities.externalId, externalId), inArray(channels.kind, channelKinds)));
}
