import type { Viewer } from '../auth/viewer.js';
import { insertAuditEntry } from '../db/queries/audit-log.js';
import {
  deleteTenantCascade,
  findTenant,
  listTenantsWithUsage,
  updateTenantStatus,
  type TenantRow,
  type TenantStatus,
  type TenantUsage,
} from '../db/queries/tenants.js';
import { badInput, notFound } from '../errors/app-error.js';
import { requireOperator } from './authorization.js';
import type { ServiceDependencies } from './dependencies.js';
import type { CreateTenantInput, TenantAdminService } from './tenant-admin.service.js';

export type TenantWithUsage = TenantRow & { usage: TenantUsage };

/**
 * Manages tenants for the platform operator: their lifecycle and aggregate usage, never their
 * content. Every change is written to the platform's audit log in the same transaction.
 */
export function createOperatorTenantsService(deps: ServiceDependencies, tenantAdmin: TenantAdminService) {
  async function loadWithUsage(tenantId: string): Promise<TenantWithUsage> {
    const [row] = await deps.db.withSystem((tx) => listTenantsWithUsage(tx, tenantId));
    if (!row) throw notFound('Tenant', tenantId);
    return row;
  }

  async function changeStatus(viewer: Viewer, tenantId: string, status: TenantStatus): Promise<TenantWithUsage> {
    const operator = requireOperator(viewer);
    await deps.db.withSystem(async (tx) => {
      const tenant = await findTenant(tx, tenantId);
      if (!tenant) throw notFound('Tenant', tenantId);
      if (tenant.status === status) return;
      await updateTenantStatus(tx, tenantId, status);
      await insertAuditEntry(tx, {
        tenantId: null,
        actorKind: 'operator',
        actorId: operator.operatorId,
        action: status === 'suspended' ? 'tenant_suspended' : 'tenant_reactivated',
        targetKind: 'tenant',
        targetId: tenantId,
        data: { slug: tenant.slug, from: tenant.status, to: status },
      });
    });
    deps.log.info({ operatorId: operator.operatorId, tenantId, status }, 'tenant status changed');
    return loadWithUsage(tenantId);
  }

  return {
    listTenants(viewer: Viewer): Promise<TenantWithUsage[]> {
      requireOperator(viewer);
      return deps.db.withSystem((tx) => listTenantsWithUsage(tx));
    },

    async createTenant(viewer: Viewer, input: CreateTenantInput): Promise<TenantWithUsage> {
      const operator = requireOperator(viewer);
      const { tenant } = await tenantAdmin.createTenant(input, { kind: 'operator', id: operator.operatorId });
      deps.log.info({ operatorId: operator.operatorId, tenantId: tenant.id }, 'tenant created');
      return loadWithUsage(tenant.id);
    },

    /** Suspends a tenant: its agents are locked out and its webhooks are acknowledged but dropped. */
    suspendTenant: (viewer: Viewer, tenantId: string) => changeStatus(viewer, tenantId, 'suspended'),

    reactivateTenant: (viewer: Viewer, tenantId: string) => changeStatus(viewer, tenantId, 'active'),

    /**
     * Deletes a tenant and every row it owns; irreversible. The caller repeats the tenant's slug
     * to confirm which tenant it means. The audit entry keeps the slug and the counts deleted.
     */
    async deleteTenant(viewer: Viewer, tenantId: string, confirmSlug: string): Promise<TenantRow> {
      const operator = requireOperator(viewer);
      const deleted = await deps.db.withSystem(async (tx) => {
        const [tenant] = await listTenantsWithUsage(tx, tenantId);
        if (!tenant) throw notFound('Tenant', tenantId);
        if (confirmSlug !== tenant.slug) {
          throw badInput(`confirmSlug must repeat the tenant's slug exactly to delete it; got "${confirmSlug}".`, { field: 'confirmSlug' });
        }
        const result = await deleteTenantCascade(tx, tenantId);
        if (!result.deleted) throw notFound('Tenant', tenantId);
        await insertAuditEntry(tx, {
          tenantId: null,
          actorKind: 'operator',
          actorId: operator.operatorId,
          action: 'tenant_deleted',
          targetKind: 'tenant',
          targetId: tenantId,
          data: { slug: tenant.slug, deletedCounts: { ...tenant.usage, auditEntries: result.auditEntries } },
        });
        return tenant;
      });
      deps.log.warn({ operatorId: operator.operatorId, tenantId }, 'tenant deleted');
      return deleted;
    },
  };
}

export type OperatorTenantsService = ReturnType<typeof createOperatorTenantsService>;
