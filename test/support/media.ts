import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/database.js';
import { ConversationsDocument, MessageAttachmentsDocument, type AttachmentMediaFieldsFragment } from '../generated/graphql.js';
import { graphqlData } from './graphql-client.js';
import { PAGE_ID, VISITOR_ID } from './tenants.js';
import type { TestServer } from './test-server.js';

/** Settings that make the copy worker fast enough for tests: 50 ms polls, retries after 300 ms and 600 ms. */
export const FAST_MEDIA_ENVIRONMENT = {
  MEDIA_POLL_INTERVAL_MS: '50',
  MEDIA_RETRY_BASE_DELAY_MS: '300',
  MEDIA_RETRY_MAX_DELAY_MS: '5000',
  MEDIA_MAX_ATTEMPTS: '3',
  MEDIA_DOWNLOAD_TIMEOUT_MS: '2000',
};

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Random bytes behind a PNG signature: distinct per call, so a test can tell files apart. */
export function pngBytes(size = 5_000): Buffer {
  return Buffer.concat([PNG_SIGNATURE, randomBytes(size - PNG_SIGNATURE.length)]);
}

/** Builds a Messenger webhook with one message carrying one attachment of `type` at `url`. */
export function messengerAttachmentWebhook(mid: string, url: string, type = 'image', visitorId = VISITOR_ID, pageId = PAGE_ID) {
  const timestamp = Date.now();
  return {
    object: 'page',
    entry: [
      {
        id: pageId,
        time: timestamp,
        messaging: [
          { sender: { id: visitorId }, recipient: { id: pageId }, timestamp, message: { mid, attachments: [{ type, payload: { url } }] } },
        ],
      },
    ],
  };
}

export interface MediaObjectRecord {
  id: string;
  tenant_id: string;
  message_id: string;
  source_url: string | null;
  source_media_id: string | null;
  status: string;
  storage_key: string | null;
  content_type: string | null;
  byte_size: number | null;
  attempts: number;
  last_error: string | null;
}

/** Reads media_objects as the table owner, across tenants: what is really stored, whatever RLS shows. */
export async function readMediaObjects(db: Database): Promise<MediaObjectRecord[]> {
  const result = await db.withSystem((tx) =>
    tx.execute(sql`select id, tenant_id, message_id, source_url, source_media_id, status, storage_key, content_type, byte_size, attempts, last_error from media_objects order by created_at, id`),
  );
  const rows = Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
  return rows as MediaObjectRecord[];
}

/** Returns the attachments of the message with the provider's id, as the agent's GraphQL queries return them. */
export async function readAttachments(server: TestServer, token: string, providerMessageId: string): Promise<AttachmentMediaFieldsFragment[]> {
  const inbox = await graphqlData(server.graphqlUrl, ConversationsDocument, { first: 50 }, token);
  for (const edge of inbox.conversations.edges) {
    const data = await graphqlData(server.graphqlUrl, MessageAttachmentsDocument, { conversationId: edge.node.id }, token);
    const message = data.conversation?.messages.edges.find((item) => item.node.providerMessageId === providerMessageId);
    if (message) return message.node.attachments;
  }
  throw new Error(`no message ${providerMessageId} in the inbox`);
}

/** Polls until `read` returns a value `accept` takes, or fails after `timeoutMs` with the last value. */
export async function waitFor<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Downloads a URL on the test server and returns status, headers and body bytes. */
export async function download(url: string, token?: string) {
  const response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}
