import { readFileSync } from 'node:fs';
import { signMetaPayload } from '../../src/channels/meta/signature.js';
import { TEST_APP_SECRET } from './test-server.js';

const fixturesFolder = new URL('../fixtures/meta/', import.meta.url);

/** Reads a fixture's exact bytes, so the signature covers what the file holds. */
export function readFixture(name: string): string {
  return readFileSync(new URL(`${name}.json`, fixturesFolder), 'utf8');
}

export interface WebhookResponse {
  status: number;
  body: string;
}

/**
 * Posts a webhook body as Meta does. Without `signature` it is signed with the test app secret;
 * a string is sent as the header instead, and null sends no header.
 */
export async function postWebhook(baseUrl: string, body: string | object, signature?: string | null): Promise<WebhookResponse> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const header = signature === undefined ? signMetaPayload(raw, TEST_APP_SECRET) : signature;
  if (header !== null) headers['x-hub-signature-256'] = header;
  const response = await fetch(`${baseUrl}/webhooks/meta`, { method: 'POST', headers, body: raw });
  return { status: response.status, body: await response.text() };
}

export async function postFixture(baseUrl: string, name: string): Promise<WebhookResponse> {
  return postWebhook(baseUrl, readFixture(name));
}
