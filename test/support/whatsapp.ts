import { sql, type SQL } from 'drizzle-orm';
import { expect } from 'vitest';
import {
  ConversationMessagesDocument,
  ConversationsDocument,
  SendMessageDocument,
  type ConversationFieldsFragment,
  type MessageFieldsFragment,
} from '../generated/graphql.js';
import { graphqlData } from './graphql-client.js';
import { WHATSAPP_CUSTOMER_ID } from './tenants.js';
import type { TestServer } from './test-server.js';
import { postWebhook, readFixture } from './webhooks.js';

// Builders for WhatsApp webhook bodies from test/fixtures/meta/whatsapp-*.json, and read-back
// helpers shared by the WhatsApp test files.

interface WhatsAppValue {
  metadata: { phone_number_id: string };
  contacts?: { wa_id: string; profile?: { name: string } }[];
  messages?: Record<string, unknown>[];
  statuses?: Record<string, unknown>[];
}

export interface WhatsAppWebhookBody {
  object: string;
  entry: { id: string; changes: { field: string; value: WhatsAppValue }[] }[];
}

export function readWhatsAppFixture(name: string): WhatsAppWebhookBody {
  return JSON.parse(readFixture(name)) as WhatsAppWebhookBody;
}

export function firstValue(body: WhatsAppWebhookBody): WhatsAppValue {
  return body.entry[0]!.changes[0]!.value;
}

const epochSeconds = (at: Date) => String(Math.floor(at.getTime() / 1000));

/** Builds a text message from the test customer, sent at `at`, with its own id. */
export function buildCustomerText(id: string, text: string, at: Date): WhatsAppWebhookBody {
  const body = readWhatsAppFixture('whatsapp-text');
  firstValue(body).messages = [
    { from: WHATSAPP_CUSTOMER_ID, id, timestamp: epochSeconds(at), text: { body: text }, type: 'text' },
  ];
  return body;
}

/** Builds a status from a fixture, aimed at `providerMessageId` and optionally with Meta's callback data. */
export function buildStatus(fixture: string, providerMessageId: string, callbackData?: string): WhatsAppWebhookBody {
  const body = readWhatsAppFixture(fixture);
  const status = firstValue(body).statuses![0]!;
  status.id = providerMessageId;
  if (callbackData !== undefined) status.biz_opaque_callback_data = callbackData;
  return body;
}

export async function postOk(server: TestServer, body: WhatsAppWebhookBody | string): Promise<void> {
  const response = await postWebhook(server.url, body);
  expect(response.status).toBe(200);
}

export async function postFixtureOk(server: TestServer, name: string): Promise<void> {
  await postOk(server, readFixture(name));
}

export async function selectRows<T>(server: TestServer, query: SQL): Promise<T[]> {
  const result = await server.app.db.withSystem((tx) => tx.execute(query));
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}

export async function countRows(server: TestServer, table: 'messages' | 'conversations' | 'contacts' | 'pending_message_updates') {
  const [row] = await selectRows<{ n: number }>(server, sql.raw(`select count(*)::int as n from ${table}`));
  return Number(row?.n);
}

/** Deletes what a test left behind, keeping tenants, agents and channels. */
export async function clearInbox(server: TestServer): Promise<void> {
  await server.app.db.withSystem((tx) => tx.execute(sql`delete from contacts`));
  await server.app.db.withSystem((tx) => tx.execute(sql`delete from pending_message_updates`));
}

export async function loadEventLog(server: TestServer): Promise<{ kind: string; data: Record<string, unknown> }[]> {
  return selectRows(server, sql`select kind, data from conversation_events order by id`);
}

export async function listConversations(server: TestServer, token: string): Promise<ConversationFieldsFragment[]> {
  const data = await graphqlData(server.graphqlUrl, ConversationsDocument, {}, token);
  return data.conversations.edges.map((edge) => edge.node);
}

/** Returns the conversation with the given channel kind, failing unless there is exactly one. */
export async function loadOnlyConversation(server: TestServer, token: string, kind = 'WHATSAPP'): Promise<ConversationFieldsFragment> {
  const conversations = (await listConversations(server, token)).filter((conversation) => conversation.channel.kind === kind);
  expect(conversations).toHaveLength(1);
  return conversations[0]!;
}

export async function loadMessages(server: TestServer, token: string, conversationId: string): Promise<MessageFieldsFragment[]> {
  const data = await graphqlData(server.graphqlUrl, ConversationMessagesDocument, { id: conversationId }, token);
  if (!data.conversation) throw new Error(`conversation ${conversationId} not found over GraphQL`);
  return data.conversation.messages.edges.map((edge) => edge.node);
}

export async function loadOnlyMessage(server: TestServer, token: string): Promise<MessageFieldsFragment> {
  const messages = await loadMessages(server, token, (await loadOnlyConversation(server, token)).id);
  expect(messages).toHaveLength(1);
  return messages[0]!;
}

/** Loads the stored attachments and metadata of a message, including fields GraphQL does not show. */
export async function loadStoredMessage(server: TestServer, providerMessageId: string) {
  const [row] = await selectRows<{ attachments: unknown[]; metadata: Record<string, unknown>; status: string }>(
    server,
    sql`select attachments, metadata, status from messages where provider_message_id = ${providerMessageId}`,
  );
  if (!row) throw new Error(`no message with provider id ${providerMessageId}`);
  return row;
}

/** Lets the test customer write now, so the reply window is open, then sends an agent's text. */
export async function sendAgentText(server: TestServer, token: string, text: string) {
  await postOk(server, buildCustomerText(`wamid.TEST-IN-NOW-${Date.now()}`, 'Are you there?', new Date()));
  const conversation = await loadOnlyConversation(server, token);
  const data = await graphqlData(server.graphqlUrl, SendMessageDocument, { input: { conversationId: conversation.id, text } }, token);
  return { conversationId: conversation.id, sent: data.sendMessage };
}
