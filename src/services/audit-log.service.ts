import type { Viewer } from '../auth/viewer.js';
import { listAuditEntries, type AuditEntryRow } from '../db/queries/audit-log.js';
import { badInput } from '../errors/app-error.js';
import { requireRole } from './authorization.js';
import type { ServiceDependencies } from './dependencies.js';
import { pageSize, type Page } from './pagination.js';

/** Opaque cursor of an audit entry: its id, base64url-encoded. */
export const auditCursor = (row: AuditEntryRow) => Buffer.from(`audit:${row.id}`).toString('base64url');

function decodeAuditCursor(cursor: string): number {
  const match = /^audit:(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1]) throw badInput('The cursor is invalid; pass an endCursor from a previous page.', { cursor });
  return Number(match[1]);
}

/**
 * Reads the audit log, newest first. A tenant's admins see their tenant's entries; an operator
 * sees the platform's own entries (tenant_id null) and never a tenant's.
 */
export function createAuditLogService(deps: ServiceDependencies) {
  return {
    async list(viewer: Viewer, request: { first?: number | null; after?: string | null }): Promise<Page<AuditEntryRow>> {
      const limit = pageSize(request.first);
      const beforeId = request.after ? decodeAuditCursor(request.after) : undefined;

      let rows: AuditEntryRow[];
      if (viewer.kind === 'operator') {
        rows = await deps.db.withSystem((tx) => listAuditEntries(tx, null, limit, beforeId));
      } else {
        const admin = requireRole(viewer, 'admin', 'read the audit log');
        rows = await deps.db.withTenant(admin.tenantId, (tx) => listAuditEntries(tx, admin.tenantId, limit, beforeId));
      }
      return { nodes: rows.slice(0, limit), hasNextPage: rows.length > limit, hasPreviousPage: beforeId !== undefined };
    },
  };
}

export type AuditLogService = ReturnType<typeof createAuditLogService>;
