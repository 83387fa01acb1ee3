import type { Tx } from '../database.js';
import { conversationEvents } from '../schema.js';

export type ConversationEventKind =
  | 'opened'
  | 'message_received'
  | 'message_sent'
  | 'message_edited'
  | 'message_deleted'
  | 'message_hidden'
  | 'comment_liked'
  | 'message_reaction'
  | 'message_status_changed'
  | 'referral'
  | 'assigned'
  | 'status_changed'
  | 'read_by_agent'
  | 'handed_to_human'
  | 'visitor_profile_updated';

export interface ConversationEventInput {
  tenantId: string;
  conversationId: string;
  kind: ConversationEventKind;
  actorAgentId?: string | null;
  messageId?: string | null;
  /** Ids and states only: personal data stays in the rows the event points at. */
  data?: Record<string, unknown>;
}

export async function appendConversationEvents(tx: Tx, events: ConversationEventInput[]): Promise<void> {
  if (events.length === 0) return;
  await tx.insert(conversationEvents).values(
    events.map((event) => ({
      tenantId: event.tenantId,
      conversationId: event.conversationId,
      kind: event.kind,
      actorAgentId: event.actorAgentId ?? null,
      messageId: event.messageId ?? null,
      data: event.data ?? {},
    })),
  );
}
