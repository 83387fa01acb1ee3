import { signMetaPayload } from '../channels/meta/signature.js';

/** Builds a Messenger text webhook in Meta's format, as Meta would send it for a visitor's message. */
export function buildSampleMessengerWebhook(pageId: string, visitorId: string, text: string, now = Date.now()) {
  return {
    object: 'page',
    entry: [
      {
        id: pageId,
        time: now,
        messaging: [
          {
            sender: { id: visitorId },
            recipient: { id: pageId },
            timestamp: now,
            message: { mid: `m_sample_${now}_${Math.random().toString(36).slice(2, 10)}`, text },
          },
        ],
      },
    ],
  };
}

/** Posts a signed sample webhook and returns the HTTP status and body. */
export async function sendSampleWebhook(options: {
  baseUrl: string;
  appSecret: string;
  pageId: string;
  visitorId: string;
  text: string;
}): Promise<{ status: number; body: string }> {
  const body = JSON.stringify(buildSampleMessengerWebhook(options.pageId, options.visitorId, options.text));
  const response = await fetch(`${options.baseUrl.replace(/\/+$/, '')}/webhooks/meta`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMetaPayload(body, options.appSecret) },
    body,
  });
  return { status: response.status, body: await response.text() };
}
