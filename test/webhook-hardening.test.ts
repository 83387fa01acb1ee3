import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { messages } from '../src/db/schema.js';
import { createTenantWithChannels, PAGE_ID, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { postWebhook } from './support/webhooks.js';

let server: TestServer;
let tenant: TestTenant;

interface MessagingItem {
  sender: { id: unknown };
  recipient: { id: string };
  timestamp: unknown;
  message: { mid: string; text: string };
}

function item(visitorId: unknown, mid: string, text: string, timestamp: unknown = Date.now()): MessagingItem {
  return { sender: { id: visitorId }, recipient: { id: PAGE_ID }, timestamp, message: { mid, text } };
}

function batch(...items: MessagingItem[]) {
  return { object: 'page', entry: [{ id: PAGE_ID, time: Date.now(), messaging: items }] };
}

async function storedTexts(): Promise<(string | null)[]> {
  const rows = await server.app.db.withTenant(tenant.tenantId, (tx) => tx.select({ text: messages.text }).from(messages).orderBy(messages.providerMessageId));
  return rows.map((row) => row.text);
}

async function countRows(table: 'contacts' | 'conversations'): Promise<number> {
  const rows = await server.app.db.withSystem((tx) => tx.execute(sql.raw(`select count(*)::int as n from ${table}`)));
  const list = Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows;
  return Number((list[0] as { n: number }).n);
}

beforeAll(async () => {
  server = await startTestServer();
  tenant = await createTenantWithChannels(server, 'hardening', [{ kind: 'messenger', externalId: PAGE_ID }]);
});

afterAll(async () => {
  await server?.close();
});

beforeEach(async () => {
  await server.app.db.withSystem((tx) => tx.execute(sql`delete from contacts`));
});

describe('webhook input that PostgreSQL cannot store as sent', () => {
  it('stores text without NUL characters and with unpaired surrogates replaced', async () => {
    const response = await postWebhook(server.url, batch(item('9000000000000001', 'm_nul', 'a\u0000b \ud800 c')));
    expect(response.status).toBe(200);
    expect(await storedTexts()).toEqual(['ab \ufffd c']);
  });

  it('falls back to the time of receipt for an impossible timestamp', async () => {
    const before = Date.now();
    const response = await postWebhook(server.url, batch(item('9000000000000001', 'm_time', 'Late', 1e20)));
    expect(response.status).toBe(200);
    const [row] = await server.app.db.withTenant(tenant.tenantId, (tx) => tx.select({ at: messages.providerTimestamp }).from(messages));
    expect(row!.at!.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('ignores an event with an empty message id and creates no contact', async () => {
    const response = await postWebhook(server.url, batch(item('9000000000000001', '', 'No id')));
    expect(response.status).toBe(200);
    expect(await countRows('contacts')).toBe(0);
  });

  it('ignores a sender id that is not a Meta id', async () => {
    const response = await postWebhook(server.url, batch(item(1.5, 'm_float', 'Odd id'), item('-5', 'm_negative', 'Odd id')));
    expect(response.status).toBe(200);
    expect(await countRows('contacts')).toBe(0);
  });

  it('creates no conversation for a message id another visitor already used', async () => {
    await postWebhook(server.url, batch(item('9000000000000001', 'm_reused', 'First')));
    const response = await postWebhook(server.url, batch(item('9000000000000002', 'm_reused', 'Second')));
    expect(response.status).toBe(200);
    expect(await countRows('contacts')).toBe(1);
    expect(await countRows('conversations')).toBe(1);
    expect(await storedTexts()).toEqual(['First']);
  });
});

describe('concurrent batches', () => {
  it('stores every message when batches touch the same visitors in opposite order', async () => {
    await postWebhook(server.url, batch(item('9000000000000011', 'm_seed_x', 'seed'), item('9000000000000012', 'm_seed_y', 'seed')));
    const statuses: number[] = [];
    for (let round = 0; round < 8; round += 1) {
      const responses = await Promise.all([
        postWebhook(server.url, batch(item('9000000000000011', `m_x1_${round}`, 'x'), item('9000000000000012', `m_y1_${round}`, 'y'))),
        postWebhook(server.url, batch(item('9000000000000012', `m_y2_${round}`, 'y'), item('9000000000000011', `m_x2_${round}`, 'x'))),
      ]);
      statuses.push(...responses.map((response) => response.status));
    }
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(await storedTexts()).toHaveLength(2 + 8 * 4);
  });
});
