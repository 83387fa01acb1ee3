import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlState, sqlStateOf } from '../src/db/postgres-errors.js';
import { auditLog } from '../src/db/schema.js';
import { toGlobalId } from '../src/schema/global-id.js';
import { AuditLogDocument, ConversationsDocument, SendMessageDocument, UpdateAgentRoleDocument } from './generated/graphql.js';
import { startFakeGraphApi, type FakeGraphApi } from './support/fake-graph-api.js';
import { graphqlData, graphqlRequest } from './support/graphql-client.js';
import { createOperatorWithToken } from './support/operators.js';
import { addAgent, createTenantWithChannels, PAGE_ID, PAGE_TOKEN, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { postWebhook } from './support/webhooks.js';

let server: TestServer;
let graphApi: FakeGraphApi;
let tenant: TestTenant;
let otherTenant: TestTenant;
let operator: { operatorId: string; token: string };

beforeAll(async () => {
  graphApi = await startFakeGraphApi();
  graphApi.allowToken(PAGE_TOKEN);
  server = await startTestServer({ graphApiUrl: graphApi.url });
  tenant = await createTenantWithChannels(server, 'audited-tenant', [{ kind: 'messenger', externalId: PAGE_ID }]);
  otherTenant = await createTenantWithChannels(server, 'other-audited', [{ kind: 'messenger', externalId: '100000000000555' }]);
  operator = await createOperatorWithToken(server, 'ops@platform.test');
});

afterAll(async () => {
  await server?.close();
  await graphApi?.close();
});

async function auditActions(token: string): Promise<string[]> {
  const data = await graphqlData(server.graphqlUrl, AuditLogDocument, { first: 100 }, token);
  return data.auditLog.edges.map((edge) => edge.node.action);
}

describe('updateAgentRole', () => {
  it('changes the role and records who changed it', async () => {
    const agent = await addAgent(server, tenant.slug, 'promoted', 'agent');
    const agentId = toGlobalId('Agent', agent.agentId);

    const data = await graphqlData(server.graphqlUrl, UpdateAgentRoleDocument, { agentId, role: 'SUPERVISOR' }, tenant.adminToken);
    expect(data.updateAgentRole).toEqual({ id: agentId, role: 'SUPERVISOR' });

    const log = await graphqlData(server.graphqlUrl, AuditLogDocument, { first: 1 }, tenant.adminToken);
    expect(log.auditLog.edges[0]?.node).toMatchObject({
      action: 'agent_role_changed',
      actorKind: 'agent',
      actorId: toGlobalId('Agent', tenant.adminId),
      targetKind: 'agent',
      targetId: agentId,
      data: { from: 'agent', to: 'supervisor' },
    });
  });

  it('forbids a supervisor to change roles', async () => {
    const supervisor = await addAgent(server, tenant.slug, 'supervisor-one', 'supervisor');
    const response = await graphqlRequest(
      server.graphqlUrl,
      UpdateAgentRoleDocument,
      { agentId: toGlobalId('Agent', supervisor.agentId), role: 'ADMIN' },
      supervisor.token,
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('refuses to demote the last admin', async () => {
    const response = await graphqlRequest(
      server.graphqlUrl,
      UpdateAgentRoleDocument,
      { agentId: toGlobalId('Agent', otherTenant.adminId), role: 'AGENT' },
      otherTenant.adminToken,
    );
    expect(response.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(response.errors?.[0]?.message).toBe('This agent is the last admin of the tenant; make another agent admin first.');
  });

  it('lets one of two admins step down, but not both at once', async () => {
    const race = await createTenantWithChannels(server, 'race-tenant');
    const second = await addAgent(server, race.slug, 'second-admin', 'admin');
    const demotions = await Promise.all([
      graphqlRequest(server.graphqlUrl, UpdateAgentRoleDocument, { agentId: toGlobalId('Agent', race.adminId), role: 'AGENT' }, second.token),
      graphqlRequest(server.graphqlUrl, UpdateAgentRoleDocument, { agentId: toGlobalId('Agent', second.agentId), role: 'AGENT' }, race.adminToken),
    ]);
    const codes = demotions.map((response) => response.errors?.[0]?.extensions?.code ?? 'OK').sort();
    // The loser either finds itself the last admin, or was demoted first and may no longer act.
    expect(codes[1]).toBe('OK');
    expect(['CONFLICT', 'FORBIDDEN']).toContain(codes[0]);
    const admins = await server.app.db.withTenant(race.tenantId, (tx) => tx.execute(sql`select count(*)::int as count from agents where role = 'admin'`));
    const count = (admins as unknown as { rows?: { count: number }[] }).rows?.[0]?.count ?? (admins as unknown as { count: number }[])[0]?.count;
    expect(count).toBe(1);
  });
});

describe('channel token use', () => {
  it('is recorded once per channel per hour', async () => {
    const timestamp = Date.now();
    await postWebhook(server.url, {
      object: 'page',
      entry: [{ id: PAGE_ID, time: timestamp, messaging: [{ sender: { id: '9000000000000001' }, recipient: { id: PAGE_ID }, timestamp, message: { mid: 'm_audit_1', text: 'Hello' } }] }],
    });
    const inbox = await graphqlData(server.graphqlUrl, ConversationsDocument, { first: 1 }, tenant.adminToken);
    const conversationId = inbox.conversations.edges[0]!.node.id;

    for (const text of ['One', 'Two', 'Three']) {
      const sent = await graphqlData(server.graphqlUrl, SendMessageDocument, { input: { conversationId, text } }, tenant.adminToken);
      expect(sent.sendMessage.status).toBe('SENT');
    }

    const uses = await server.app.db.withSystem((tx) => tx.select().from(auditLog).where(sql`${auditLog.action} = 'channel_token_used'`));
    expect(uses).toHaveLength(1);
    expect(uses[0]).toMatchObject({ tenantId: tenant.tenantId, actorKind: 'agent', actorId: tenant.adminId, targetKind: 'channel', data: { purpose: 'send_message' } });
  });
});

describe('auditLog', () => {
  it("shows an admin its own tenant's entries only", async () => {
    const actions = await auditActions(tenant.adminToken);
    expect(actions).toContain('channel_created');
    expect(actions).toContain('agent_role_changed');
    expect(actions).not.toContain('tenant_created');
    expect(actions).not.toContain('operator_logged_in');

    const entries = await graphqlData(server.graphqlUrl, AuditLogDocument, { first: 100 }, otherTenant.adminToken);
    const channelTargets = entries.auditLog.edges.filter((edge) => edge.node.action === 'channel_created').map((edge) => edge.node.data);
    expect(channelTargets).toEqual([{ kind: 'messenger', externalId: '100000000000555' }]);
  });

  it("shows an operator the platform's entries only", async () => {
    const actions = await auditActions(operator.token);
    expect(actions).toContain('operator_logged_in');
    expect(actions).toContain('operator_created');
    expect(actions).toContain('tenant_created');
    expect(actions).not.toContain('channel_created');
    expect(actions).not.toContain('channel_token_used');
  });

  it('pages newest first with a cursor', async () => {
    const first = await graphqlData(server.graphqlUrl, AuditLogDocument, { first: 2 }, tenant.adminToken);
    expect(first.auditLog.pageInfo.hasNextPage).toBe(true);
    const second = await graphqlData(server.graphqlUrl, AuditLogDocument, { first: 2, after: first.auditLog.pageInfo.endCursor }, tenant.adminToken);
    expect(second.auditLog.pageInfo.hasNextPage).toBe(false);

    const actions = [...first.auditLog.edges, ...second.auditLog.edges].map((edge) => edge.node.action);
    expect(actions).toEqual(['channel_token_used', 'agent_role_changed', 'channel_created']);
    const ids = [...first.auditLog.edges, ...second.auditLog.edges].map((edge) => Number(edge.node.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  it('forbids an agent who is not admin', async () => {
    const agent = await addAgent(server, tenant.slug, 'plain-agent', 'agent');
    const response = await graphqlRequest(server.graphqlUrl, AuditLogDocument, {}, agent.token);
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('cannot be changed or deleted by request code', async () => {
    for (const statement of [sql`update audit_log set action = 'forged'`, sql`delete from audit_log`]) {
      const error = await server.app.db.withTenant(tenant.tenantId, (tx) => tx.execute(statement)).catch((caught: unknown) => caught);
      expect(sqlStateOf(error)).toBe(SqlState.InsufficientPrivilege);
    }
  });

  it("cannot be written into another tenant's log by request code", async () => {
    const error = await server.app.db
      .withTenant(tenant.tenantId, (tx) => tx.insert(auditLog).values({ tenantId: null, actorKind: 'agent', action: 'forged' }))
      .catch((caught: unknown) => caught);
    expect(sqlStateOf(error)).toBe(SqlState.InsufficientPrivilege);
  });
});
