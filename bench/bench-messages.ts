import { signMetaPayload } from '../src/channels/meta/signature.js';

/** One inbound Messenger text message, as both phases write it. */
export interface BenchMessage {
  /** The visitor's page-scoped id (PSID). */
  visitorId: string;
  /** Meta's message id (mid), unique per message. */
  mid: string;
  text: string;
  occurredAt: Date;
}

const FIRST_VISITOR_ID = 9_100_000_000_000_000;
// A fixed start keeps the rows the same from run to run. Message i is timestamped i ms after it.
const FIRST_MESSAGE_TIME_MS = Date.UTC(2026, 0, 1);

/**
 * Returns message `index` of a run. Visitors are assigned round-robin, so with more visitors than
 * concurrent requests the messages in flight at once rarely share a conversation.
 */
export function benchMessage(index: number, visitors: number, midPrefix: string): BenchMessage {
  return {
    visitorId: String(FIRST_VISITOR_ID + (index % visitors)),
    mid: `m_${midPrefix}_${index}`,
    text: `Benchmark message ${index}: is the blue jacket still in stock in size M?`,
    occurredAt: new Date(FIRST_MESSAGE_TIME_MS + index),
  };
}

/** A webhook body with its X-Hub-Signature-256 header value. */
export interface SignedWebhook {
  body: string;
  signature: string;
}

/** Builds the webhook Meta sends for one Messenger text message to `pageId`, signed with `appSecret`. */
export function signedMessengerWebhook(message: BenchMessage, pageId: string, appSecret: string): SignedWebhook {
  const time = message.occurredAt.getTime();
  const body = JSON.stringify({
    object: 'page',
    entry: [
      {
        id: pageId,
        time,
        messaging: [
          {
            sender: { id: message.visitorId },
            recipient: { id: pageId },
            timestamp: time,
            message: { mid: message.mid, text: message.text },
          },
        ],
      },
    ],
  });
  return { body, signature: signMetaPayload(body, appSecret) };
}
