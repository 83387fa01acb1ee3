import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageAddedDocument, SendMessageDocument, SetTypingDocument } from './generated/graphql.js';
import { createSubscriptionClient, graphqlData, subscribe, waitForSubscriptions } from './support/graphql-client.js';
import { createTenantWithChannels, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { createWebchatChannel, type TestWebchatChannel } from './support/webchat.js';

// Debian's Chromium, installed by .ci/run; Playwright's own browser downloads are not used.
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let server: TestServer;
let tenant: TestTenant;
let webchat: TestWebchatChannel;
let sitePage: Server;
let siteUrl: string;

/** Serves a tenant's web page on its own origin, with the embed code the CLI prints. */
async function startSite(): Promise<void> {
  sitePage = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Northwind Outdoor</title>
<style>body{margin:0;font:16px/1.5 Georgia,serif;background:#f4efe6;color:#2b2118}
header{padding:28px 48px;background:#2f4a3a;color:#f4efe6;font-size:26px}
main{padding:40px 48px;max-width:640px}</style></head>
<body><header>Northwind Outdoor</header>
<main><h1>Hiking boots</h1><p>Waterproof leather boots for long trails, resoled for free in the first year.</p></main>
<script src="${server.url}/widget.js" data-parley-key="${webchat.publicKey}" async></script>
</body></html>`);
  });
  await new Promise<void>((resolve) => sitePage.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(sitePage.address() as AddressInfo).port}`;
}

/** Opens a fresh Chromium profile with the given browser language. */
async function openBrowser(locale: string): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }> {
  const profile = await mkdtemp(path.join(tmpdir(), 'parley-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    locale,
    viewport: { width: 1100, height: 760 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

beforeAll(async () => {
  server = await startTestServer();
  tenant = await createTenantWithChannels(server, 'northwind');
  await startSite();
  webchat = await createWebchatChannel(server, tenant.slug, { allowedOrigins: [siteUrl] });
});

afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => sitePage?.close(resolve));
});

describe.skipIf(!existsSync(CHROMIUM))('webchat widget in Chromium', () => {
  it.each([
    {
      locale: 'en-US',
      texts: { open: 'Open chat', message: 'Your message', send: 'Send', greeting: 'Hi there! How can we help you today?', privacy: 'Privacy policy', typing: 'Typing…' },
      question: 'Do these boots come in size 46?',
      answer: 'Yes, size 46 is in stock and ships tomorrow.',
    },
    {
      locale: 'nl-NL',
      texts: { open: 'Chat openen', message: 'Je bericht', send: 'Versturen', greeting: 'Hallo! Waarmee kunnen we je helpen?', privacy: 'Privacybeleid', typing: 'Typt…' },
      question: 'Hebben jullie deze schoenen ook in maat 46?',
      answer: 'Ja, maat 46 is op voorraad en wordt morgen verzonden.',
    },
  ])('carries a visitor message to an agent and the reply back ($locale)', async ({ locale, texts, question, answer }) => {
    const browser = await openBrowser(locale);
    const agentClient = createSubscriptionClient(server.webSocketUrl, tenant.adminToken);
    const agentSees = subscribe(agentClient, MessageAddedDocument, {});
    try {
      await waitForSubscriptions(server.app.eventBus, 1);
      const { page } = browser;
      await page.goto(siteUrl);

      await page.getByRole('button', { name: texts.open }).click();
      const panel = page.getByRole('dialog', { name: 'Tenant northwind' });
      await expect.poll(() => panel.isVisible(), { timeout: 10_000 }).toBe(true);
      await expect.poll(() => panel.getByText(texts.greeting).isVisible()).toBe(true);
      expect(await panel.getByRole('link', { name: texts.privacy }).getAttribute('href')).toBe(`${server.url}/privacy/northwind`);

      const input = panel.getByLabel(texts.message);
      expect(await input.evaluate((element) => element === element.getRootNode().activeElement)).toBe(true);
      await input.fill(question);
      await input.press('Enter');

      const received = await agentSees.next(10_000);
      expect(received.data?.messageAdded.text).toBe(question);
      expect(received.data?.messageAdded.direction).toBe('INBOUND');
      const conversationId = received.data!.messageAdded.conversationId;

      await graphqlData(server.graphqlUrl, SetTypingDocument, { isTyping: true, conversationId }, tenant.adminToken);
      const typing = panel.getByRole('status').filter({ hasText: texts.typing });
      await expect.poll(() => typing.isVisible()).toBe(true);

      const reply = await graphqlData(server.graphqlUrl, SendMessageDocument, { input: { conversationId, text: answer } }, tenant.adminToken);
      expect(reply.sendMessage.status).toBe('SENT');
      await expect.poll(() => panel.getByText(answer).isVisible(), { timeout: 10_000 }).toBe(true);
      expect(await typing.isVisible()).toBe(false);
      expect(await panel.getByRole('button', { name: texts.send }).count()).toBe(1);

      const screenshot = path.join(tmpdir(), `parley-webchat-${locale}.png`);
      await page.screenshot({ path: screenshot });
      expect(existsSync(screenshot)).toBe(true);

      // The token in localStorage brings the same conversation back after a reload.
      await page.reload();
      await page.getByRole('button', { name: texts.open }).click();
      await expect.poll(() => panel.getByText(answer).isVisible(), { timeout: 10_000 }).toBe(true);
      expect(await panel.getByText(question).isVisible()).toBe(true);
    } finally {
      agentSees.close();
      await agentClient.dispose();
      await browser.close();
    }
  }, 60_000);
});
