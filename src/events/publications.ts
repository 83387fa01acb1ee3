import type { MessageRow } from '../db/queries/messages.js';

/**
 * What travels on the event bus. Payloads are JSON: dates become ISO strings here and are
 * turned back into Dates at the subscription edge.
 */
export type MessageJson = Omit<
  MessageRow,
  'providerTimestamp' | 'editedAt' | 'deletedAt' | 'createdAt'
> & {
  providerTimestamp: string | null;
  editedAt: string | null;
  deletedAt: string | null;
  createdAt: string;
};

export interface MessagePublication {
  change: 'added' | 'updated';
  message: MessageJson;
}

export interface ConversationPublication {
  conversationId: string;
}

/** A start or stop of typing in a conversation, by the visitor or an agent. Never stored. */
export interface TypingPublication {
  conversationId: string;
  actor: 'visitor' | 'agent';
  isTyping: boolean;
}

/** A publication collected inside a transaction and sent only after it commits. */
export type PendingPublication =
  | { topic: 'message'; tenantId: string; payload: MessagePublication }
  | { topic: 'conversation'; tenantId: string; payload: ConversationPublication }
  | { topic: 'typing'; tenantId: string; payload: TypingPublication };

const toIso = (date: Date | null) => (date ? date.toISOString() : null);

export function messageToJson(message: MessageRow): MessageJson {
  return {
    ...message,
    providerTimestamp: toIso(message.providerTimestamp),
    editedAt: toIso(message.editedAt),
    deletedAt: toIso(message.deletedAt),
    createdAt: message.createdAt.toISOString(),
  };
}

const fromIso = (value: string | null) => (value ? new Date(value) : null);

export function messageFromJson(json: MessageJson): MessageRow {
  return {
    ...json,
    providerTimestamp: fromIso(json.providerTimestamp),
    editedAt: fromIso(json.editedAt),
    deletedAt: fromIso(json.deletedAt),
    createdAt: new Date(json.createdAt),
  };
}

export function messagePublication(
  tenantId: string,
  change: MessagePublication['change'],
  message: MessageRow,
): PendingPublication {
  return { topic: 'message', tenantId, payload: { change, message: messageToJson(message) } };
}

export function conversationPublication(tenantId: string, conversationId: string): PendingPublication {
  return { topic: 'conversation', tenantId, payload: { conversationId } };
}

export function typingPublication(tenantId: string, payload: TypingPublication): PendingPublication {
  return { topic: 'typing', tenantId, payload };
}
