import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personalKeyPrefix } from '../src/privacy/personal-keys.js';
import { EraseContactDocument, RectifyContactDocument } from './generated/graphql.js';
import { graphqlData } from './support/graphql-client.js';
import { queryRows, receiveVisitorMessages, rowIdOf, rowsOf, uniqueSuffix } from './support/privacy.js';
import { createTenantWithChannels, PAGE_ID, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
let tenant: TestTenant;
let redis: Redis | undefined;

// Starting a server with an embedded PGlite can take a minute on a busy 2-core machine.
beforeAll(async () => {
  server = await startTestServer();
  tenant = await createTenantWithChannels(server, 'dump-tenant', [{ kind: 'messenger', externalId: PAGE_ID }]);
  if (process.env.REDIS_URL) redis = new Redis(process.env.REDIS_URL);
}, 180_000);

afterAll(async () => {
  await redis?.quit();
  await server?.close();
});

/** Dumps all of PostgreSQL: pg_dump on a real server, every row of every table as JSON on PGlite. */
async function dumpDatabase(): Promise<string> {
  const databaseUrl = server.database.databaseUrl;
  if (databaseUrl) {
    return new Promise((resolve, reject) => {
      const child = spawn('pg_dump', ['--no-owner', `--dbname=${databaseUrl}`], { stdio: ['ignore', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`pg_dump exited ${code}: ${stderr}`))));
    });
  }
  const tables = await queryRows<{ schema: string; name: string }>(
    server,
    sql`select table_schema as schema, table_name as name from information_schema.tables
        where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
  );
  const parts: string[] = [];
  for (const table of tables) {
    const result = await server.app.db.withSystem((tx) =>
      tx.execute(sql`select row_to_json(t)::text as row from ${sql.identifier(table.schema)}.${sql.identifier(table.name)} t`),
    );
    parts.push(`-- ${table.schema}.${table.name}`, ...rowsOf<{ row: string }>(result).map((row) => row.row));
  }
  return parts.join('\n');
}

/** Dumps every Redis key with its value: GET for strings, DUMP (the serialized value) for other types. */
async function dumpRedis(client: Redis): Promise<string> {
  const parts: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await client.type(key);
      const value = type === 'string' ? await client.get(key) : (await client.dumpBuffer(key))?.toString('latin1');
      parts.push(`${key} ${value ?? ''}`);
    }
  } while (cursor !== '0');
  return parts.join('\n');
}

interface Visitor {
  psid: string;
  name: string;
  email: string;
  phone: string;
  texts: string[];
  imageUrl: string;
  contactId: string;
}

async function createVisitor(label: string): Promise<Visitor> {
  const suffix = uniqueSuffix();
  const psid = `7${randomInt(100_000_000, 999_999_999)}${randomInt(100_000, 999_999)}`;
  const texts = [`My ${label} parcel ${suffix} never came`, `Order ${label}-${suffix} please`];
  const imageUrl = `https://cdn.example.test/receipt-${suffix}.jpg`;
  const contactId = await receiveVisitorMessages(server, tenant, psid, [{ text: texts[0]! }, { text: texts[1]! }, { imageUrl }]);
  const visitor = {
    psid,
    name: `${label} Dumont ${suffix}`,
    email: `${label}.${suffix}@mail.example.test`,
    phone: `+32 470 ${randomInt(100_000, 999_999)}`,
    texts,
    imageUrl,
    contactId,
  };
  await graphqlData(
    server.graphqlUrl,
    RectifyContactDocument,
    { input: { contactId, displayName: visitor.name, email: visitor.email, phone: visitor.phone } },
    tenant.adminToken,
  );
  return visitor;
}

const stringsOf = (visitor: Visitor) => [visitor.psid, visitor.name, visitor.email, visitor.phone, visitor.imageUrl, ...visitor.texts];

describe('contact erasure', () => {
  it("leaves none of the contact's strings in PostgreSQL or Redis", async () => {
    const erased = await createVisitor('Erased');
    const otherVisitor = await createVisitor('Kept');
    const rowId = rowIdOf(erased.contactId);

    // Data other features write about the contact: a stored attachment copy, an update that
    // arrived before its message, a policy view and a cached profile in Redis.
    await queryRows(
      server,
      sql`insert into media_objects (tenant_id, message_id, channel_id, source_url, status, storage_key)
          select m.tenant_id, m.id, m.channel_id, ${erased.imageUrl}, 'stored', m.tenant_id::text || '/' || gen_random_uuid()::text
          from messages m join conversations c on c.id = m.conversation_id where c.contact_id = ${rowId} and m.text is null
          returning id`,
    );
    await queryRows(
      server,
      sql`insert into pending_message_updates (tenant_id, channel_id, provider_message_id, event)
          select tenant_id, channel_id, ${`m_unknown_${erased.psid}`},
                 ${JSON.stringify({ type: 'message_reaction', contact: { externalId: erased.psid }, emoji: '👍' })}::jsonb
          from contact_identities where contact_id = ${rowId}
          returning id`,
    );
    await queryRows(server, sql`insert into privacy_policy_views (tenant_id, contact_id, version, locale) values (${tenant.tenantId}, ${rowId}, 1, 'en') returning id`);
    if (redis) {
      await redis.set(`${personalKeyPrefix(tenant.tenantId, 'contact', rowId)}profile`, JSON.stringify({ name: erased.name, email: erased.email }));
    }

    const beforeDump = await dumpDatabase();
    for (const value of stringsOf(erased)) expect(beforeDump, `before erasure: ${value}`).toContain(value);

    const result = await graphqlData(server.graphqlUrl, EraseContactDocument, { contactId: erased.contactId }, tenant.adminToken);
    // Two media rows: the copy ingest queued for the image, and the stored one planted above.
    expect(result.eraseContact.details).toMatchObject({
      storedFiles: 'deleted',
      deleted: { mediaObjects: 2, pendingMessageUpdates: 1, privacyPolicyViews: 1, storedFiles: 1, cacheKeys: redis ? 1 : 0 },
    });

    const afterDump = await dumpDatabase();
    for (const value of stringsOf(erased)) expect(afterDump, `PostgreSQL still holds ${value}`).not.toContain(value);
    for (const value of stringsOf(otherVisitor)) expect(afterDump, `the dump lost the other contact's ${value}`).toContain(value);
    expect(afterDump).toContain(rowId);

    if (redis) {
      const redisDump = await dumpRedis(redis);
      for (const value of [...stringsOf(erased), rowId]) expect(redisDump, `Redis still holds ${value}`).not.toContain(value);
    }
  });
});
