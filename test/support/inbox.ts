import { sql, type SQL } from 'drizzle-orm';
import { expect } from 'vitest';
import {
  ConversationMessagesDocument,
  ConversationsDocument,
  type ConversationFieldsFragment,
  type MessageFieldsFragment,
} from '../generated/graphql.js';
import { graphqlData } from './graphql-client.js';
import type { TestServer } from './test-server.js';
import { postFixture } from './webhooks.js';

export type InboxTable = 'contacts' | 'contact_identities' | 'conversations' | 'messages' | 'conversation_events';

export interface LoggedEvent {
  kind: string;
  message_id: string | null;
  actor_agent_id: string | null;
  data: Record<string, unknown>;
}

/** Reads one tenant's inbox over GraphQL as an agent, and the database as its owner. */
export interface InboxReader {
  selectRows<T>(query: SQL): Promise<T[]>;
  countRows(table: InboxTable): Promise<number>;
  /** The conversation log in insertion order, across every tenant. */
  loadEventLog(): Promise<LoggedEvent[]>;
  listConversations(): Promise<ConversationFieldsFragment[]>;
  /** Returns the inbox's only conversation, failing when it contains none or several. */
  loadOnlyConversation(): Promise<ConversationFieldsFragment>;
  loadMessages(conversationId: string): Promise<MessageFieldsFragment[]>;
  /** Returns the only message of the inbox's only conversation. */
  loadOnlyMessage(): Promise<MessageFieldsFragment>;
  /** Posts a fixture from test/fixtures/meta and expects Meta's 200. */
  postFixtureOk(name: string): Promise<void>;
}

export function createInboxReader(server: TestServer, agentToken: () => string): InboxReader {
  async function selectRows<T>(query: SQL): Promise<T[]> {
    const result = await server.app.db.withSystem((tx) => tx.execute(query));
    return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
  }

  async function listConversations(): Promise<ConversationFieldsFragment[]> {
    const data = await graphqlData(server.graphqlUrl, ConversationsDocument, {}, agentToken());
    return data.conversations.edges.map((edge) => edge.node);
  }

  async function loadOnlyConversation(): Promise<ConversationFieldsFragment> {
    const conversations = await listConversations();
    expect(conversations).toHaveLength(1);
    return conversations[0]!;
  }

  async function loadMessages(conversationId: string): Promise<MessageFieldsFragment[]> {
    const data = await graphqlData(server.graphqlUrl, ConversationMessagesDocument, { id: conversationId }, agentToken());
    if (!data.conversation) throw new Error(`conversation ${conversationId} not found over GraphQL`);
    return data.conversation.messages.edges.map((edge) => edge.node);
  }

  return {
    selectRows,
    async countRows(table) {
      const [row] = await selectRows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`));
      return Number(row?.n);
    },
    loadEventLog: () => selectRows<LoggedEvent>(sql`select kind, message_id, actor_agent_id, data from conversation_events order by id`),
    listConversations,
    loadOnlyConversation,
    loadMessages,
    async loadOnlyMessage() {
      const messages = await loadMessages((await loadOnlyConversation()).id);
      expect(messages).toHaveLength(1);
      return messages[0]!;
    },
    async postFixtureOk(name) {
      const response = await postFixture(server.url, name);
      expect(response.status).toBe(200);
    },
  };
}
