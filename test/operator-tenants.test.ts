import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../src/db/schema.js';
import {
  CreateTenantDocument,
  DeleteTenantDocument,
  LoginDocument,
  MeDocument,
  MessageAddedDocument,
  OperatorLoginDocument,
  ReactivateTenantDocument,
  SuspendTenantDocument,
  TenantsDocument,
} from './generated/graphql.js';
import { createSubscriptionClient, graphqlData, graphqlRequest, subscribe } from './support/graphql-client.js';
import { createOperatorWithToken, OPERATOR_PASSWORD } from './support/operators.js';
import { createTenantWithChannels, PAGE_ID, PASSWORD, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { postWebhook } from './support/webhooks.js';

const SUSPENDED_PAGE = '100000000000333';
const DELETED_PAGE = '100000000000444';

let server: TestServer;
let tenant: TestTenant;
let operator: { operatorId: string; token: string };

function messengerText(pageId: string, mid: string, text: string) {
  const timestamp = Date.now();
  return {
    object: 'page',
    entry: [{ id: pageId, time: timestamp, messaging: [{ sender: { id: '9000000000000001' }, recipient: { id: pageId }, timestamp, message: { mid, text } }] }],
  };
}

async function countMessages(tenantId: string): Promise<number> {
  const result = await server.app.db.withSystem((tx) => tx.execute(sql`select count(*)::int as count from messages where tenant_id = ${tenantId}`));
  return Number((result as unknown as { rows?: { count: number }[] }).rows?.[0]?.count ?? (result as unknown as { count: number }[])[0]?.count);
}

async function platformAuditActions(): Promise<string[]> {
  const rows = await server.app.db.withSystem((tx) => tx.select().from(auditLog).where(sql`${auditLog.tenantId} is null`).orderBy(auditLog.id));
  return rows.map((row) => row.action);
}

beforeAll(async () => {
  server = await startTestServer();
  tenant = await createTenantWithChannels(server, 'usage-tenant', [{ kind: 'messenger', externalId: PAGE_ID }]);
  operator = await createOperatorWithToken(server, 'ops@platform.test');
});

afterAll(async () => {
  await server?.close();
});

describe('operatorLogin', () => {
  it('returns a token for the operator API', async () => {
    const data = await graphqlData(server.graphqlUrl, OperatorLoginDocument, { email: 'OPS@platform.test', password: OPERATOR_PASSWORD });
    expect(data.operatorLogin.operator.email).toBe('ops@platform.test');
    const tenants = await graphqlData(server.graphqlUrl, TenantsDocument, {}, data.operatorLogin.token);
    expect(tenants.tenants.map((row) => row.slug)).toContain('usage-tenant');
  });

  it('rejects a wrong password with UNAUTHENTICATED and audits it', async () => {
    const response = await graphqlRequest(server.graphqlUrl, OperatorLoginDocument, { email: 'ops@platform.test', password: 'wrong-password' });
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(response.errors?.[0]?.message).toBe('Invalid email or password.');
    expect((await platformAuditActions()).at(-1)).toBe('operator_login_failed');
  });

  it('gives a token that is no agent token', async () => {
    const response = await graphqlRequest(server.graphqlUrl, MeDocument, {}, operator.token);
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('operator API for agents', () => {
  it('answers an agent with FORBIDDEN', async () => {
    const response = await graphqlRequest(server.graphqlUrl, TenantsDocument, {}, tenant.adminToken);
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(response.errors?.[0]?.message).toBe('Only a platform operator may do this.');
  });

  it('answers no token with UNAUTHENTICATED', async () => {
    const response = await graphqlRequest(server.graphqlUrl, TenantsDocument, {});
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('tenants', () => {
  it('lists aggregate usage counts', async () => {
    await postWebhook(server.url, messengerText(PAGE_ID, 'm_usage_1', 'First'));
    await postWebhook(server.url, messengerText(PAGE_ID, 'm_usage_2', 'Second'));
    await server.app.db.withSystem((tx) =>
      tx.execute(sql`update messages set created_at = now() - interval '40 days' where provider_message_id = 'm_usage_1'`),
    );

    const data = await graphqlData(server.graphqlUrl, TenantsDocument, {}, operator.token);
    const row = data.tenants.find((entry) => entry.slug === 'usage-tenant');
    expect(row?.status).toBe('ACTIVE');
    expect(row?.name).toBe('Tenant usage-tenant');
    expect(row?.usage).toEqual({ agents: 1, channels: 1, conversations: 1, messages: 2, messagesLast30Days: 1 });
  });
});

describe('createTenant', () => {
  it('creates a tenant whose admin can log in, and audits it', async () => {
    const data = await graphqlData(
      server.graphqlUrl,
      CreateTenantDocument,
      { input: { slug: 'new-tenant', name: 'New Tenant', adminEmail: 'admin@new-tenant.test', adminPassword: PASSWORD } },
      operator.token,
    );
    expect(data.createTenant.slug).toBe('new-tenant');
    expect(data.createTenant.usage).toEqual({ agents: 1, channels: 0, conversations: 0, messages: 0, messagesLast30Days: 0 });

    const login = await graphqlData(server.graphqlUrl, LoginDocument, { tenant: 'new-tenant', email: 'admin@new-tenant.test', password: PASSWORD });
    expect(login.login.agent.role).toBe('ADMIN');

    const [entry] = await server.app.db.withSystem((tx) =>
      tx.select().from(auditLog).where(sql`${auditLog.action} = 'tenant_created' and ${auditLog.data}->>'slug' = 'new-tenant'`),
    );
    expect(entry?.tenantId).toBeNull();
    expect(entry?.actorKind).toBe('operator');
    expect(entry?.actorId).toBe(operator.operatorId);
  });

  it('rejects a taken slug with CONFLICT', async () => {
    const response = await graphqlRequest(
      server.graphqlUrl,
      CreateTenantDocument,
      { input: { slug: 'usage-tenant', name: 'Again', adminEmail: 'admin@again.test', adminPassword: PASSWORD } },
      operator.token,
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });
});

describe('suspendTenant', () => {
  it('locks agents out and drops webhooks until reactivated', async () => {
    const suspended = await createTenantWithChannels(server, 'suspended-tenant', [{ kind: 'messenger', externalId: SUSPENDED_PAGE }]);
    const tenants = await graphqlData(server.graphqlUrl, TenantsDocument, {}, operator.token);
    const id = tenants.tenants.find((row) => row.slug === 'suspended-tenant')!.id;

    const result = await graphqlData(server.graphqlUrl, SuspendTenantDocument, { id }, operator.token);
    expect(result.suspendTenant.status).toBe('SUSPENDED');

    const login = await graphqlRequest(server.graphqlUrl, LoginDocument, { tenant: 'suspended-tenant', email: 'admin@suspended-tenant.test', password: PASSWORD });
    expect(login.errors?.[0]?.extensions?.code).toBe('TENANT_SUSPENDED');
    const wrongPassword = await graphqlRequest(server.graphqlUrl, LoginDocument, { tenant: 'suspended-tenant', email: 'admin@suspended-tenant.test', password: 'wrong-password' });
    expect(wrongPassword.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const me = await graphqlRequest(server.graphqlUrl, MeDocument, {}, suspended.adminToken);
    expect(me.status).toBe(403);
    expect(me.errors?.[0]?.extensions?.code).toBe('TENANT_SUSPENDED');

    const client = createSubscriptionClient(server.webSocketUrl, suspended.adminToken);
    const live = subscribe(client, MessageAddedDocument, {});
    const closed = await live.next(3_000).catch((error: unknown) => error);
    await client.dispose();
    expect(closed).toMatchObject({ code: 4403, reason: 'TENANT_SUSPENDED' });

    const webhook = await postWebhook(server.url, messengerText(SUSPENDED_PAGE, 'm_suspended_1', 'While suspended'));
    expect(webhook.status).toBe(200);
    expect(await countMessages(suspended.tenantId)).toBe(0);

    const reactivated = await graphqlData(server.graphqlUrl, ReactivateTenantDocument, { id }, operator.token);
    expect(reactivated.reactivateTenant.status).toBe('ACTIVE');
    expect((await graphqlData(server.graphqlUrl, MeDocument, {}, suspended.adminToken)).me.email).toBe('admin@suspended-tenant.test');
    await postWebhook(server.url, messengerText(SUSPENDED_PAGE, 'm_suspended_2', 'After reactivation'));
    expect(await countMessages(suspended.tenantId)).toBe(1);

    expect((await platformAuditActions()).filter((action) => action.startsWith('tenant_s') || action.startsWith('tenant_r'))).toEqual([
      'tenant_suspended',
      'tenant_reactivated',
    ]);
  });
});

describe('deleteTenant', () => {
  it('refuses a confirmSlug that does not match', async () => {
    const doomed = await createTenantWithChannels(server, 'kept-tenant');
    const tenants = await graphqlData(server.graphqlUrl, TenantsDocument, {}, operator.token);
    const id = tenants.tenants.find((row) => row.slug === doomed.slug)!.id;

    const response = await graphqlRequest(server.graphqlUrl, DeleteTenantDocument, { id, confirmSlug: 'kept' }, operator.token);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const after = await graphqlData(server.graphqlUrl, TenantsDocument, {}, operator.token);
    expect(after.tenants.map((row) => row.slug)).toContain('kept-tenant');
  });

  it('removes every row of the tenant and audits the deletion', async () => {
    const doomed = await createTenantWithChannels(server, 'doomed-tenant', [{ kind: 'messenger', externalId: DELETED_PAGE }]);
    await postWebhook(server.url, messengerText(DELETED_PAGE, 'm_doomed_1', 'Soon gone'));
    const tenants = await graphqlData(server.graphqlUrl, TenantsDocument, {}, operator.token);
    const id = tenants.tenants.find((row) => row.slug === 'doomed-tenant')!.id;

    const data = await graphqlData(server.graphqlUrl, DeleteTenantDocument, { id, confirmSlug: 'doomed-tenant' }, operator.token);
    expect(data.deleteTenant).toEqual({ deletedTenantId: id, slug: 'doomed-tenant' });

    // Every table with a tenant_id column, found from the catalog so new tables are checked too.
    const tables = await server.app.db.withSystem((tx) =>
      tx.execute(sql`select table_name from information_schema.columns where table_schema = 'public' and column_name = 'tenant_id'`),
    );
    const names = ((tables as unknown as { rows?: { table_name: string }[] }).rows ?? (tables as unknown as { table_name: string }[])).map((row) => row.table_name);
    expect(names).toContain('messages');
    expect(names).toContain('audit_log');
    for (const name of names) {
      const result = await server.app.db.withSystem((tx) => tx.execute(sql`select count(*)::int as count from ${sql.identifier(name)} where tenant_id = ${doomed.tenantId}`));
      const count = Number((result as unknown as { rows?: { count: number }[] }).rows?.[0]?.count ?? (result as unknown as { count: number }[])[0]?.count);
      expect({ table: name, count }).toEqual({ table: name, count: 0 });
    }
    const tenantRows = await server.app.db.withSystem((tx) => tx.execute(sql`select 1 from tenants where id = ${doomed.tenantId}`));
    expect((tenantRows as unknown as { rows?: unknown[] }).rows ?? tenantRows).toHaveLength(0);

    const [entry] = await server.app.db.withSystem((tx) =>
      tx.select().from(auditLog).where(sql`${auditLog.action} = 'tenant_deleted' and ${auditLog.targetId} = ${doomed.tenantId}`),
    );
    expect(entry?.actorId).toBe(operator.operatorId);
    expect(entry?.data).toEqual({
      slug: 'doomed-tenant',
      deletedCounts: { agents: 1, channels: 1, conversations: 1, messages: 1, messagesLast30Days: 1, auditEntries: 1 },
    });

    const again = await graphqlRequest(server.graphqlUrl, DeleteTenantDocument, { id, confirmSlug: 'doomed-tenant' }, operator.token);
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
