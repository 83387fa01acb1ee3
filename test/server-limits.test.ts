import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeDocument, MessageAddedDocument } from './generated/graphql.js';
import { createSubscriptionClient, graphqlRequest, subscribe, waitForSubscriptions } from './support/graphql-client.js';
import { createTenantWithChannels, PAGE_ID, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
let tenant: TestTenant;

async function postGraphql(body: string, token?: string) {
  const response = await fetch(server.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  return { status: response.status, body: (await response.json()) as { errors?: { message: string; extensions?: { code?: string } }[] } };
}

beforeAll(async () => {
  server = await startTestServer({ environment: { JWT_TTL_SECONDS: '3' } });
  tenant = await createTenantWithChannels(server, 'limits-tenant', [{ kind: 'messenger', externalId: PAGE_ID }]);
});

afterAll(async () => {
  await server?.close();
});

describe('operation size limits', () => {
  it('rejects more than 30 aliases before running anything', async () => {
    const fields = Array.from({ length: 31 }, (_, index) => `a${index}: me { id }`).join(' ');
    const response = await postGraphql(JSON.stringify({ query: `{ ${fields} }` }), tenant.adminToken);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.body.errors?.[0]?.message).toBe('The operation is too large: it uses 31 aliases (maximum 30). Split it into smaller operations.');
  });

  it('rejects introspection nested deeper than 12 levels without a token', async () => {
    let selection = 'name';
    for (let level = 0; level < 12; level += 1) selection = `ofType { ${selection} }`;
    const response = await postGraphql(JSON.stringify({ query: `{ __schema { types { ${selection} } } }` }));
    expect(response.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('malformed requests', () => {
  it('answers a body that is not JSON with a GraphQL error and BAD_REQUEST', async () => {
    const response = await postGraphql('{"query": ');
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('explains that subscriptions need WebSocket when sent over HTTP', async () => {
    const response = await postGraphql(JSON.stringify({ query: 'subscription { messageAdded { id } }' }), tenant.adminToken);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(response.body.errors?.[0]?.message).toBe('Subscriptions are served over WebSocket (graphql-ws) at /graphql, not over HTTP.');
  });
});

describe('health check', () => {
  it('reports the database and event bus as ok', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: 'ok', eventBus: 'ok' });
  });
});

describe('WebSocket sessions', () => {
  it('closes the socket with 4403 when the access token expires', async () => {
    const { login } = await import('./support/tenants.js');
    const token = await login(server, tenant.slug, 'admin@limits-tenant.test');
    const client = createSubscriptionClient(server.webSocketUrl, token);
    const live = subscribe(client, MessageAddedDocument, {});
    await waitForSubscriptions(server.app.eventBus, 1);
    await expect(live.next(8_000)).rejects.toMatchObject({ code: 4403 });
    await client.dispose();
    const http = await graphqlRequest(server.graphqlUrl, MeDocument, {}, token);
    expect(http.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('embedded database lock', () => {
  it.skipIf(Boolean(process.env.DATABASE_URL))('refuses a second process on the same data folder', async () => {
    const output = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'migrate'], {
        env: { ...process.env, DATA_DIR: server.database.dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(output.code).toBe(1);
    expect(output.stderr).toContain('is in use by process');
  });
});
