import { hashPassword } from '../../src/auth/passwords.js';
import type { AgentRole } from '../../src/auth/viewer.js';
import { insertAgent } from '../../src/db/queries/agents.js';
import { findTenantBySlug } from '../../src/db/queries/tenants.js';
import type { ChannelKind } from '../../src/channels/normalized-event.js';
import { LoginDocument } from '../generated/graphql.js';
import { graphqlData } from './graphql-client.js';
import type { TestServer } from './test-server.js';

export const PAGE_ID = '100000000000001';
export const VISITOR_ID = '9000000000000001';
export const PAGE_TOKEN = 'page-token-for-tests';
export const PASSWORD = 'correct-horse-battery';
/** The Instagram professional account of the fixtures in test/fixtures/meta/instagram-*.json. */
export const INSTAGRAM_ACCOUNT_ID = '17841400000000001';
export const INSTAGRAM_TOKEN = 'instagram-token-for-tests';

// The WhatsApp test channel, as in test/fixtures/meta/whatsapp-*.json.
export const WHATSAPP_PHONE_NUMBER_ID = '200000000000001';
export const WHATSAPP_BUSINESS_ACCOUNT_ID = '300000000000001';
export const WHATSAPP_CUSTOMER_ID = '15550100001';

export interface TestTenant {
  slug: string;
  tenantId: string;
  adminToken: string;
  adminId: string;
}

/** Creates a tenant with an admin, logs the admin in over GraphQL and connects the given channels. */
export async function createTenantWithChannels(
  server: TestServer,
  slug: string,
  channels: { kind: ChannelKind; externalId: string; accessToken?: string; businessAccountId?: string }[] = [],
): Promise<TestTenant> {
  const { tenant, admin } = await server.app.services.tenantAdmin.createTenant({
    slug,
    name: `Tenant ${slug}`,
    adminEmail: `admin@${slug}.test`,
    adminPassword: PASSWORD,
    adminName: `Admin ${slug}`,
  });
  for (const channel of channels) {
    await server.app.services.tenantAdmin.createChannel({
      tenantSlug: slug,
      kind: channel.kind,
      externalId: channel.externalId,
      accessToken: channel.accessToken ?? PAGE_TOKEN,
      // WhatsApp channels need their business account id; tests that do not care get a fixed one.
      ...(channel.businessAccountId || channel.kind === 'whatsapp'
        ? { businessAccountId: channel.businessAccountId ?? '300000000000001' }
        : {}),
    });
  }
  const adminToken = await login(server, slug, `admin@${slug}.test`);
  return { slug, tenantId: tenant.id, adminToken, adminId: admin.id };
}

export async function login(server: TestServer, slug: string, email: string, password = PASSWORD): Promise<string> {
  const data = await graphqlData(server.graphqlUrl, LoginDocument, { tenant: slug, email, password });
  return data.login.token;
}

/** Adds an agent with the given role and returns its row id and a token. */
export async function addAgent(server: TestServer, slug: string, name: string, role: AgentRole) {
  const tenant = await server.app.db.withSystem((tx) => findTenantBySlug(tx, slug));
  if (!tenant) throw new Error(`tenant ${slug} missing`);
  const email = `${name}@${slug}.test`;
  const agent = await server.app.db.withTenant(tenant.id, async (tx) =>
    insertAgent(tx, { tenantId: tenant.id, email, passwordHash: await hashPassword(PASSWORD), displayName: name, role }),
  );
  return { agentId: agent.id, token: await login(server, slug, email) };
}
