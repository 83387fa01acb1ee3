import { createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSignedRequest, signRequestPayload } from '../src/channels/meta/signed-request.js';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { queryRows, receiveVisitorMessages, rowIdOf } from './support/privacy.js';
import { createTenantWithChannels, type TestTenant } from './support/tenants.js';
import { startTestServer, TEST_APP_SECRET, type TestServer } from './support/test-server.js';

const PAGE_A = '100000000000011';
const PAGE_B = '100000000000012';

let server: TestServer;
let tenantA: TestTenant;
let tenantB: TestTenant;

// Starting a server with an embedded PGlite can take a minute on a busy 2-core machine.
beforeAll(async () => {
  server = await startTestServer({ environment: { PUBLIC_URL: 'https://inbox.example.test/' } });
  tenantA = await createTenantWithChannels(server, 'meta-a', [{ kind: 'messenger', externalId: PAGE_A }]);
  tenantB = await createTenantWithChannels(server, 'meta-b', [{ kind: 'messenger', externalId: PAGE_B }]);
}, 180_000);

afterAll(async () => {
  await server?.close();
});

function signedRequestFor(userId: string, secret = TEST_APP_SECRET): string {
  return signRequestPayload({ algorithm: 'HMAC-SHA256', expires: 1_900_000_000, issued_at: 1_800_000_000, user_id: userId }, secret);
}

async function postDeletion(body: string, contentType = 'application/x-www-form-urlencoded') {
  const response = await fetch(`${server.url}/webhooks/meta/data-deletion`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

const form = (signedRequest: string) => new URLSearchParams({ signed_request: signedRequest }).toString();

const countRows = async (table: string) =>
  Number((await queryRows<{ count: number | string }>(server, sql`select count(*) as count from ${sql.identifier(table)}`))[0]?.count);

describe('parseSignedRequest', () => {
  // Our own vector: the payload {"algorithm":"HMAC-SHA256","issued_at":1700000000,"user_id":"4242"}
  // signed with the secret "vector-secret", signature computed independently with createHmac.
  const payload = Buffer.from('{"algorithm":"HMAC-SHA256","issued_at":1700000000,"user_id":"4242"}').toString('base64url');
  const signature = createHmac('sha256', 'vector-secret').update(payload).digest('base64url');

  it('accepts a valid base64url vector', () => {
    expect(parseSignedRequest(`${signature}.${payload}`, 'vector-secret')).toEqual({
      ok: true,
      userId: '4242',
      issuedAt: new Date(1_700_000_000_000),
    });
  });

  it('accepts the standard alphabet with padding', () => {
    const padded = Buffer.from(payload, 'base64url').toString('base64');
    const paddedSignature = createHmac('sha256', 'vector-secret').update(padded).digest('base64');
    expect(parseSignedRequest(`${paddedSignature}.${padded}`, 'vector-secret')).toMatchObject({ ok: true, userId: '4242' });
  });

  it.each([
    ['another secret', `${signature}.${payload}`, 'other-secret', 401],
    ['no dot', `${signature}${payload}`, 'vector-secret', 400],
    ['an empty payload', `${signature}.`, 'vector-secret', 400],
    ['characters outside base64', `${signature}.${payload}!`, 'vector-secret', 400],
  ])('rejects %s', (_case, value, secret, status) => {
    expect(parseSignedRequest(value, secret)).toMatchObject({ ok: false, status });
  });

  it('rejects another algorithm even when signed', () => {
    const other = signRequestPayload({ algorithm: 'HMAC-SHA1', user_id: '1' }, 'vector-secret');
    expect(parseSignedRequest(other, 'vector-secret')).toEqual({
      ok: false,
      status: 400,
      message: 'The signed_request algorithm must be HMAC-SHA256; got "HMAC-SHA1".',
    });
  });
});

describe('POST /webhooks/meta/data-deletion', () => {
  it('erases the user in every tenant and returns a status link', async () => {
    const userId = `55${Date.now()}`;
    const contactA = await receiveVisitorMessages(server, tenantA, userId, [{ text: 'from A' }], PAGE_A);
    const contactB = await receiveVisitorMessages(server, tenantB, userId, [{ text: 'from B' }], PAGE_B);
    const other = await receiveVisitorMessages(server, tenantA, `56${Date.now()}`, [{ text: 'someone else' }], PAGE_A);

    const response = await postDeletion(form(signedRequestFor(userId)));

    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['confirmation_code', 'url']);
    const code = response.body.confirmation_code!;
    expect(code).toMatch(/^[0-9a-f]{32}$/);
    expect(response.body.url).toBe(`https://inbox.example.test/webhooks/meta/data-deletion/status?code=${code}`);

    for (const contactId of [contactA, contactB]) {
      expect(await queryRows(server, sql`select 1 from contacts where id = ${rowIdOf(contactId)}`)).toEqual([]);
    }
    expect(await queryRows(server, sql`select 1 from contacts where id = ${rowIdOf(other)}`)).toHaveLength(1);
    const [stored] = await queryRows<{ status: string; tenant_count: number; user_id_hash: string }>(
      server,
      sql`select status, tenant_count, user_id_hash from meta_deletion_requests where confirmation_code = ${code}`,
    );
    expect(stored?.status).toBe('completed');
    expect(stored?.tenant_count).toBe(2);
    expect(stored?.user_id_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await queryRows(server, sql`select * from meta_deletion_requests`))).not.toContain(userId);

    const requests = await queryRows<{ tenant_id: string; kind: string; requested_by_agent_id: string | null; details: { via: string } }>(
      server,
      sql`select tenant_id, kind, requested_by_agent_id, details from data_subject_requests where subject_id in (${rowIdOf(contactA)}, ${rowIdOf(contactB)}) order by tenant_id`,
    );
    expect(requests.map((row) => [row.kind, row.requested_by_agent_id, row.details.via])).toEqual([
      ['erasure', null, 'meta_data_deletion_callback'],
      ['erasure', null, 'meta_data_deletion_callback'],
    ]);
    const audit = await queryRows<{ actor_kind: string }>(server, sql`select actor_kind from audit_log where action in ('data_subject.erasure', 'meta.data_deletion') and (target_id in (${rowIdOf(contactA)}, ${rowIdOf(contactB)}) or tenant_id is null)`);
    expect(audit.map((row) => row.actor_kind)).toEqual(['meta', 'meta', 'meta']);
  });

  it('answers an unknown user with a completed request for no tenant', async () => {
    const response = await postDeletion(form(signedRequestFor('1234567')));
    const [stored] = await queryRows<{ status: string; tenant_count: number }>(
      server,
      sql`select status, tenant_count from meta_deletion_requests where confirmation_code = ${response.body.confirmation_code!}`,
    );

    expect(response.status).toBe(200);
    expect(stored).toEqual({ status: 'completed', tenant_count: 0 });
  });

  it.each([
    ['a wrong signature', () => form(signedRequestFor('777', 'not-the-app-secret')), 401, 'The signed_request signature does not match; it must be signed with the app secret (META_APP_SECRET).'],
    ['no signed_request', () => 'other=1', 400, 'Missing signed_request: send it as a form field (application/x-www-form-urlencoded).'],
    ['a malformed signed_request', () => form('just-one-part'), 400, 'signed_request must be "<signature>.<payload>", both base64url-encoded.'],
  ])('rejects %s and changes nothing', async (_case, body, status, message) => {
    const userId = `57${Date.now()}`;
    const contactId = await receiveVisitorMessages(server, tenantA, userId, [{ text: 'keep me' }], PAGE_A);
    const requestsBefore = await countRows('meta_deletion_requests');

    const response = await postDeletion(body().replace('777', userId));

    expect(response.status).toBe(status);
    expect(response.body).toEqual({ error: message });
    expect(await countRows('meta_deletion_requests')).toBe(requestsBefore);
    expect(await queryRows(server, sql`select 1 from contacts where id = ${rowIdOf(contactId)}`)).toHaveLength(1);
  });
});

describe('GET /webhooks/meta/data-deletion/status', () => {
  it('shows the status as JSON and as an HTML page', async () => {
    const { body } = await postDeletion(form(signedRequestFor('31415')));
    const code = body.confirmation_code!;
    const path = `${server.url}/webhooks/meta/data-deletion/status?code=${code}`;

    const json = await fetch(path, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(200);
    const status = (await json.json()) as Record<string, unknown>;
    expect(status).toMatchObject({ confirmation_code: code, status: 'completed', done: true });
    expect(typeof status.completed_at).toBe('string');

    const page = await fetch(path, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain(`<code>${code}</code>`);
    expect(html).toContain('<strong>Status: completed.</strong> The deletion is done');
  });

  it('answers 404 for an unknown code and 400 for a malformed one', async () => {
    const unknown = await fetch(`${server.url}/webhooks/meta/data-deletion/status?code=${'0'.repeat(32)}&format=json`);
    const malformed = await fetch(`${server.url}/webhooks/meta/data-deletion/status?code=%3Cscript%3E`);

    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: `No data deletion request has the confirmation code ${'0'.repeat(32)}.` });
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).not.toContain('<script>');
  });
});

describe('PUBLIC_URL', () => {
  it('defaults to localhost and the port', () => {
    expect(loadConfig({ PORT: '4100' }).publicUrl).toBe('http://localhost:4100');
  });

  it('rejects a URL without http or https', () => {
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://inbox.example.test' })).toThrow(ConfigError);
    expect(() => loadConfig({ PUBLIC_URL: 'inbox.example.test' })).toThrow(/PUBLIC_URL/);
  });
});
