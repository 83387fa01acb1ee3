import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOperator } from '../src/services/create-operator.js';
import { createTenantWithChannels, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { createWebchatChannel, startVisitorSession } from './support/webchat.js';

let server: TestServer;
let tenant: TestTenant;

async function postQuery(query: string, variables: Record<string, unknown>, token?: string) {
  const response = await fetch(server.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
}

beforeAll(async () => {
  server = await startTestServer();
  tenant = await createTenantWithChannels(server, 'suspension-tenant');
});

afterAll(async () => {
  await server?.close();
});

describe('suspended tenant', () => {
  it('refuses a visitor token issued before the suspension', async () => {
    const webchat = await createWebchatChannel(server, tenant.slug);
    const session = await startVisitorSession(server, webchat.publicKey, {});
    const before = await postQuery('{ visitorConversation { id } }', {}, session.token);
    expect(before.errors).toBeUndefined();

    await server.app.db.withSystem((tx) => tx.execute(sql`update tenants set status = 'suspended' where id = ${tenant.tenantId}`));
    const after = await postQuery('mutation ($text: String!) { sendVisitorMessage(text: $text) { id } }', { text: 'Hello?' }, session.token);
    expect(after.errors?.[0]?.extensions?.code).toBe('TENANT_SUSPENDED');

    await server.app.db.withSystem((tx) => tx.execute(sql`update tenants set status = 'active' where id = ${tenant.tenantId}`));
  });
});

describe('operator login', () => {
  it('answers RATE_LIMITED after 10 failures, even with the right password', async () => {
    await createOperator(server.app.db, { email: 'ops@throttle.test', password: 'operator-password-1' });
    const login = 'mutation ($email: String!, $password: String!) { operatorLogin(email: $email, password: $password) { token } }';
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const failed = await postQuery(login, { email: 'ops@throttle.test', password: `wrong-${attempt}` });
      expect(failed.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const blocked = await postQuery(login, { email: 'ops@throttle.test', password: 'operator-password-1' });
    expect(blocked.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });
});
