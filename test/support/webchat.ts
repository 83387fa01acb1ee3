import type { TestServer } from './test-server.js';

export const SITE_ORIGIN = 'https://shop.example';

export interface TestWebchatChannel {
  channelId: string;
  publicKey: string;
  botSecret: string | null;
}

/** Creates a webchat channel for a tenant the way the CLI does. */
export async function createWebchatChannel(
  server: TestServer,
  tenantSlug: string,
  options: { allowedOrigins?: string[]; greeting?: string; botUrl?: string } = {},
): Promise<TestWebchatChannel> {
  const created = await server.app.services.tenantAdmin.createWebchatChannel({
    tenantSlug,
    name: `Website of ${tenantSlug}`,
    allowedOrigins: options.allowedOrigins ?? [SITE_ORIGIN],
    greeting: options.greeting,
    botUrl: options.botUrl,
  });
  return { channelId: created.channel.id, publicKey: created.channel.publicKey!, botSecret: created.botSecret };
}

export interface SessionResponse {
  status: number;
  headers: Headers;
  body: {
    token: string;
    conversationId: string;
    returning: boolean;
    handler: 'BOT' | 'HUMAN';
    visitor: { name: string | null; email: string | null };
    widget: { title: string; greeting: string; language: string; texts: Record<string, string> };
    privacyPolicyUrl: string;
    error?: string;
    code?: string;
  };
}

/** POSTs to the session endpoint as a browser on `origin` would; null sends no Origin header. */
export async function postSession(
  server: TestServer,
  publicKey: string,
  body: { token?: string; locale?: string } = {},
  origin: string | null = SITE_ORIGIN,
): Promise<SessionResponse> {
  const response = await fetch(`${server.url}/webchat/${publicKey}/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as SessionResponse['body'] };
}

/** Starts a session and fails the test unless it succeeded. */
export async function startVisitorSession(
  server: TestServer,
  publicKey: string,
  body: { token?: string; locale?: string } = {},
): Promise<SessionResponse['body']> {
  const response = await postSession(server, publicKey, body);
  if (response.status !== 200) throw new Error(`session failed with ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}
