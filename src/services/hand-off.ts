import type { Tx } from '../db/database.js';
import { appendConversationEvents } from '../db/queries/conversation-events.js';
import { updateConversation, type ConversationRow } from '../db/queries/conversations.js';

/** The reason a bot's conversation moved to the agents. */
export type HandOffReason = 'bot_requested' | 'visitor_requested' | 'agent_replied';

/**
 * Moves a conversation from the channel's bot to the tenant's agents, inside the caller's
 * transaction; the caller publishes conversationUpdated after commit. When the bot or the
 * visitor requests it, the conversation also becomes open and unassigned, so it waits in the shared
 * inbox; an agent who replied keeps it as it is. Returns the updated row, or undefined when a
 * human already handled it.
 */
export async function handOffToHuman(
  tx: Tx,
  conversation: ConversationRow,
  reason: HandOffReason,
  actorAgentId: string | null = null,
): Promise<ConversationRow | undefined> {
  if (conversation.handler === 'human') return undefined;

  const toInbox = reason !== 'agent_replied';
  const updated = await updateConversation(tx, conversation.id, {
    handler: 'human',
    ...(toInbox ? { status: 'open' as const, snoozedUntil: null, assigneeId: null } : {}),
  });
  await appendConversationEvents(tx, [
    {
      tenantId: conversation.tenantId,
      conversationId: conversation.id,
      kind: 'handed_to_human',
      actorAgentId,
      data: {
        reason,
        ...(toInbox ? { fromStatus: conversation.status, fromAssigneeId: conversation.assigneeId } : {}),
      },
    },
  ]);
  return updated;
}
