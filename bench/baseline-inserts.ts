import { randomUUID } from 'node:crypto';
import type { BenchDatabase } from './bench-database.js';
import { benchMessage, type BenchMessage } from './bench-messages.js';
import type { BenchOptions } from './bench-options.js';
import { openBaselineClient, type SqlTransaction } from './baseline-client.js';
import { MID_PREFIX, type BaselineTarget } from './parley-ingest.js';
import { runLoad, type LoadResult } from './run-load.js';

// The rows Parley's ingest writes for an inbound Messenger text, in plain SQL with as few
// statements as the schema allows. The message id is generated here, so the conversation upsert
// can already point at it.

const SELECT_IDENTITY = `select contact_id from contact_identities where channel_id = $1 and external_id = $2`;

const INSERT_CONTACT = `insert into contacts (tenant_id) values ($1) returning id`;

const DELETE_CONTACT = `delete from contacts where id = $1`;

const INSERT_IDENTITY = `insert into contact_identities (tenant_id, contact_id, channel_id, external_id)
values ($1, $2, $3, $4)
on conflict (channel_id, external_id) do nothing
returning contact_id`;

// xmax is 0 on a row version that this statement inserted, so `created` is false after an update.
const UPSERT_CONVERSATION = `insert into conversations
  (tenant_id, channel_id, contact_id, kind, thread_key, last_activity_at, last_message_id)
values ($1, $2, $3, 'private', $4, $5, $6)
on conflict (channel_id, thread_key) do update set
  last_activity_at = greatest(conversations.last_activity_at, excluded.last_activity_at),
  last_message_id = excluded.last_message_id
returning id, (xmax = 0) as created`;

const INSERT_MESSAGE = `insert into messages
  (id, tenant_id, conversation_id, channel_id, direction, author_kind, text, provider_message_id, status, provider_timestamp)
values ($1, $2, $3, $4, 'inbound', 'contact', $5, $6, 'received', $7)`;

const INSERT_RECEIVED_EVENT = `insert into conversation_events (tenant_id, conversation_id, kind, message_id, data)
values ($1, $2, 'message_received', $3, '{"authorKind":"contact"}')`;

const INSERT_OPENED_AND_RECEIVED_EVENTS = `insert into conversation_events (tenant_id, conversation_id, kind, message_id, data)
values ($1, $2, 'opened', null, $4::jsonb), ($1, $2, 'message_received', $3, '{"authorKind":"contact"}')`;

const COUNT_MESSAGES = `select count(*)::int as stored from messages where channel_id = $1`;

/**
 * Writes the warm-up and measured messages straight through the driver, one transaction per
 * message with `options.concurrency` in flight, and times the measured ones.
 */
export async function measureBaselineInserts(
  database: BenchDatabase,
  options: BenchOptions,
  target: BaselineTarget,
  signal: AbortSignal,
): Promise<LoadResult> {
  const client = await openBaselineClient(database);
  try {
    const insert = (index: number) =>
      client.transaction((tx) => insertMessageRows(tx, target, benchMessage(index, options.visitors, MID_PREFIX)));

    const { warmup, messages: measured, concurrency } = options;
    await runLoad({ first: 0, count: warmup, concurrency, signal }, insert);
    const result = await runLoad({ first: warmup, count: measured, concurrency, signal }, insert);

    const total = warmup + measured;
    const [row] = await client.transaction((tx) => tx.query(COUNT_MESSAGES, [target.channelId]));
    if (row?.stored !== total) {
      throw new Error(`The baseline stored ${String(row?.stored ?? 0)} messages for ${total} transactions.`);
    }
    return result;
  } finally {
    await client.close();
  }
}

async function insertMessageRows(tx: SqlTransaction, target: BaselineTarget, message: BenchMessage): Promise<void> {
  const { tenantId, channelId } = target;
  const contactId = await findOrCreateContact(tx, target, message.visitorId);

  const messageId = randomUUID();
  const [conversation] = await tx.query(UPSERT_CONVERSATION, [
    tenantId,
    channelId,
    contactId,
    message.visitorId,
    message.occurredAt.toISOString(),
    messageId,
  ]);
  if (!conversation) throw new Error('The conversation upsert returned no row.');
  const conversationId = String(conversation.id);

  await tx.query(INSERT_MESSAGE, [
    messageId,
    tenantId,
    conversationId,
    channelId,
    message.text,
    message.mid,
    message.occurredAt.toISOString(),
  ]);

  if (conversation.created === true) {
    await tx.query(INSERT_OPENED_AND_RECEIVED_EVENTS, [tenantId, conversationId, messageId, JSON.stringify({ channelId })]);
  } else {
    await tx.query(INSERT_RECEIVED_EVENT, [tenantId, conversationId, messageId]);
  }
}

async function findOrCreateContact(tx: SqlTransaction, target: BaselineTarget, visitorId: string): Promise<string> {
  const [identity] = await tx.query(SELECT_IDENTITY, [target.channelId, visitorId]);
  if (identity) return String(identity.contact_id);

  const [contact] = await tx.query(INSERT_CONTACT, [target.tenantId]);
  if (!contact) throw new Error('The contact insert returned no row.');
  const [created] = await tx.query(INSERT_IDENTITY, [target.tenantId, String(contact.id), target.channelId, visitorId]);
  if (created) return String(created.contact_id);

  // A concurrent transaction created this visitor first: drop our contact and use theirs, as Parley does.
  await tx.query(DELETE_CONTACT, [String(contact.id)]);
  const [winner] = await tx.query(SELECT_IDENTITY, [target.channelId, visitorId]);
  if (!winner) throw new Error(`Contact identity ${visitorId} vanished after an insert conflict.`);
  return String(winner.contact_id);
}
