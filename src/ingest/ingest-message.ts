import type { MessageEvent } from '../channels/normalized-event.js';
import type { ChannelRow } from '../db/queries/channels.js';
import { findConversation, type ConversationRow } from '../db/queries/conversations.js';
import { findMessageByProviderId, type MessageRow } from '../db/queries/messages.js';
import { publishAll } from '../events/publish.js';
import { applyEvent } from './apply-event.js';
import type { IngestDependencies } from './ingest-webhook.js';

export interface IngestedMessage {
  message: MessageRow;
  conversation: ConversationRow;
  /** True when the channel already had a message with this provider id, so nothing changed. */
  duplicate: boolean;
}

/**
 * Stores one message event that reached Parley through its own API rather than a webhook, such
 * as a webchat visitor's message: the same idempotent path as webhook events, in one transaction
 * in the channel's tenant, publishing after commit. Returns the stored message and its conversation.
 */
export async function ingestMessageEvent(
  deps: IngestDependencies,
  channel: ChannelRow,
  event: MessageEvent,
): Promise<IngestedMessage> {
  const { outcome, message, conversation } = await deps.db.withTenant(channel.tenantId, async (tx) => {
    const applied = await applyEvent(tx, channel, event);
    const stored = await findMessageByProviderId(tx, channel.id, event.providerMessageId);
    if (!stored) throw new Error(`message event was not stored: ${applied.skippedBecause ?? 'no reason given'}`);
    const thread = await findConversation(tx, stored.conversationId);
    if (!thread) throw new Error('conversation of a stored message is missing');
    return { outcome: applied, message: stored, conversation: thread };
  });

  await publishAll(deps.bus, outcome.publications, deps.log);
  return { message, conversation, duplicate: outcome.skippedBecause !== undefined };
}
