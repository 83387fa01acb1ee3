import { countTenants } from '../db/queries/tenants.js';
import type { Database } from '../db/database.js';
import type { TenantAdminService } from './tenant-admin.service.js';

export const DEMO = {
  tenantSlug: 'demo',
  adminEmail: 'admin@demo.parley.test',
  adminPassword: 'parley-demo-password',
  pageId: '100000000000001',
  pageAccessToken: 'demo-page-access-token',
} as const;

/** Creates the demo tenant, its admin and a Messenger channel when the database has no tenant yet. */
export async function seedDemoTenantIfEmpty(db: Database, tenantAdmin: TenantAdminService): Promise<boolean> {
  if ((await db.withSystem((tx) => countTenants(tx))) > 0) return false;
  await tenantAdmin.createTenant({
    slug: DEMO.tenantSlug,
    name: 'Demo Company',
    adminEmail: DEMO.adminEmail,
    adminPassword: DEMO.adminPassword,
    adminName: 'Demo Admin',
  });
  await tenantAdmin.createChannel({
    tenantSlug: DEMO.tenantSlug,
    kind: 'messenger',
    externalId: DEMO.pageId,
    accessToken: DEMO.pageAccessToken,
    name: 'Demo Page (Messenger)',
  });
  return true;
}
