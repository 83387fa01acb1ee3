import { sql, type SQL } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTenantWithChannels, PAGE_ID, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { postWebhook, readFixture } from './support/webhooks.js';

// A trigger makes the database reject one message part-way through a POST, after the first event's
// rows are written, so the tests check what a real failure leaves behind.

const FAILING_TEXT = 'fail here';

interface MessengerWebhookBody {
  object: string;
  entry: { id: string; time: number; messaging: { message: { mid: string; text: string } }[] }[];
}

let server: TestServer;
let tenant: TestTenant;
let channelId: string;

async function selectRows<T>(query: SQL): Promise<T[]> {
  const result = await server.app.db.withSystem((tx) => tx.execute(query));
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}

async function countOne(query: SQL): Promise<number> {
  const [row] = await selectRows<{ n: number }>(query);
  return Number(row?.n);
}

/** Counts what the channel holds, as the table owner, so row-level security hides nothing. */
async function countChannelRows() {
  return {
    contacts: await countOne(sql`select count(*)::int as n from contacts where tenant_id = ${tenant.tenantId}`),
    contactIdentities: await countOne(
      sql`select count(*)::int as n from contact_identities where channel_id = ${channelId}`,
    ),
    conversations: await countOne(sql`select count(*)::int as n from conversations where channel_id = ${channelId}`),
    messages: await countOne(sql`select count(*)::int as n from messages where channel_id = ${channelId}`),
    conversationEvents: await countOne(sql`
      select count(*)::int as n from conversation_events e
      join conversations c on c.id = e.conversation_id
      where c.channel_id = ${channelId}`),
  };
}

async function createFailingTrigger(): Promise<void> {
  await server.app.db.withSystem(async (tx) => {
    await tx.execute(
      sql.raw(`
        create or replace function parley_test_reject_text() returns trigger language plpgsql as $$
        begin
          if new.text = '${FAILING_TEXT}' then
            raise exception 'test trigger rejected message text %', new.text;
          end if;
          return new;
        end
        $$`),
    );
    await tx.execute(
      sql.raw('create trigger parley_test_reject_text before insert or update on messages for each row execute function parley_test_reject_text()'),
    );
  });
}

async function dropFailingTrigger(): Promise<void> {
  await server.app.db.withSystem(async (tx) => {
    await tx.execute(sql.raw('drop trigger if exists parley_test_reject_text on messages'));
    await tx.execute(sql.raw('drop function if exists parley_test_reject_text()'));
  });
}

/** Builds the two-entry batch with the second visitor's message changed to the text the trigger rejects. */
function buildBatchFailingOnSecondEvent(): MessengerWebhookBody {
  const body = JSON.parse(readFixture('messenger-batch-two-entries')) as MessengerWebhookBody;
  body.entry[1]!.messaging[0]!.message.text = FAILING_TEXT;
  return body;
}

beforeAll(async () => {
  server = await startTestServer();
  tenant = await createTenantWithChannels(server, 'webhook-atomicity', [{ kind: 'messenger', externalId: PAGE_ID }]);
  const [channel] = await selectRows<{ id: string }>(sql`select id from channels where tenant_id = ${tenant.tenantId}`);
  channelId = channel!.id;
});

afterAll(async () => {
  if (server) await dropFailingTrigger();
  await server?.close();
});

beforeEach(async () => {
  await server.app.db.withSystem((tx) => tx.execute(sql`delete from contacts`));
  await createFailingTrigger();
});

afterEach(dropFailingTrigger);

describe('POST /webhooks/meta failing part-way', () => {
  it('returns 500 so Meta redelivers', async () => {
    const response = await postWebhook(server.url, buildBatchFailingOnSecondEvent());

    expect(response.status).toBe(500);
  });

  it('returns 500 without the failed SQL or its parameters', async () => {
    const response = await postWebhook(server.url, buildBatchFailingOnSecondEvent());

    expect(response.status).toBe(500);
    expect(response.body).toMatch(/^\{"error":"Internal server error; logged with request id [0-9a-f-]{36}\."\}$/);
    expect(response.body).not.toContain(FAILING_TEXT);
    expect(response.body).not.toContain('insert');
  });

  it('stores none of the POST', async () => {
    const response = await postWebhook(server.url, buildBatchFailingOnSecondEvent());
    expect(response.status).toBe(500);

    expect(await countChannelRows()).toEqual({
      contacts: 0,
      contactIdentities: 0,
      conversations: 0,
      messages: 0,
      conversationEvents: 0,
    });
  });

  it('stores every event on redelivery after the fault', async () => {
    const body = buildBatchFailingOnSecondEvent();
    expect((await postWebhook(server.url, body)).status).toBe(500);
    await dropFailingTrigger();

    const response = await postWebhook(server.url, body);

    expect(response.status).toBe(200);
    const texts = await selectRows<{ text: string }>(
      sql`select text from messages where channel_id = ${channelId} order by provider_message_id`,
    );
    expect(texts.map((row) => row.text)).toEqual(['First visitor here', FAILING_TEXT]);
    expect((await countChannelRows()).conversations).toBe(2);
  });
});
