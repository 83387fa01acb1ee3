import type { Viewer } from '../auth/viewer.js';
import { insertAuditEntry } from '../db/queries/audit-log.js';
import {
  findTenantRetention,
  listTenantsWithRetention,
  purgeContactsWithoutConversations,
  purgeExpiredConversations,
  purgeExpiredMedia,
  purgeStalePendingUpdates,
  updateTenantRetention,
  type TenantRetention,
} from '../db/queries/retention.js';
import { badInput, notFound } from '../errors/app-error.js';
import { deleteAttachmentFiles } from '../privacy/attachment-files.js';
import { requireRole } from './authorization.js';
import type { PrivacyDependencies } from './dependencies.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Maximum retention period in days (100 years). */
export const MAX_RETENTION_DAYS = 36_500;
/** Conversations or media rows deleted per transaction, so one purge never holds long locks. */
const PURGE_BATCH_SIZE = 500;

export interface TenantPurgeResult {
  tenantId: string;
  slug: string;
  conversations: number;
  messages: number;
  contacts: number;
  pendingMessageUpdates: number;
  /** media_objects rows deleted, with their conversations or on their own by attachment age. */
  mediaObjects: number;
  /** Stored files among them. */
  storedFiles: number;
}

export interface PurgeOptions {
  /** Only this tenant; every tenant with a retention period otherwise. */
  tenantSlug?: string | undefined;
  /** Count what would be deleted without deleting it or writing the audit log. */
  dryRun?: boolean;
  now?: Date;
  /** Called after each tenant, for progress output. */
  onTenantDone?: (result: TenantPurgeResult) => void;
}

function checkDays(value: number | null, argument: string): number | null {
  if (value === null) return null;
  if (!Number.isInteger(value) || value < 1 || value > MAX_RETENTION_DAYS) {
    throw badInput(`"${argument}" must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, or null to keep forever; got ${value}.`, {
      argument,
    });
  }
  return value;
}

/** Retention periods per tenant and the purge that enforces them. */
export function createRetentionService(deps: PrivacyDependencies) {
  async function purgeTenant(tenant: TenantRetention, now: Date, dryRun: boolean): Promise<TenantPurgeResult> {
    const result: TenantPurgeResult = {
      tenantId: tenant.id,
      slug: tenant.slug,
      conversations: 0,
      messages: 0,
      contacts: 0,
      pendingMessageUpdates: 0,
      mediaObjects: 0,
      storedFiles: 0,
    };
    const limit = dryRun ? undefined : PURGE_BATCH_SIZE;

    if (tenant.retentionDays !== null) {
      const cutoff = new Date(now.getTime() - tenant.retentionDays * DAY_MS);
      for (;;) {
        const batch = await deps.db.withTenant(tenant.id, async (tx) => {
          const found = await purgeExpiredConversations(tx, cutoff, limit, dryRun);
          if (!dryRun) await deleteAttachmentFiles(deps.attachmentFiles, found.storageKeys);
          return found;
        });
        result.conversations += batch.conversations;
        result.messages += batch.messages;
        result.mediaObjects += batch.mediaObjects;
        result.storedFiles += batch.storageKeys.length;
        if (dryRun || batch.conversations < PURGE_BATCH_SIZE) break;
      }
      await deps.db.withTenant(tenant.id, async (tx) => {
        result.contacts = await purgeContactsWithoutConversations(tx, cutoff, dryRun);
        result.pendingMessageUpdates = await purgeStalePendingUpdates(tx, cutoff, dryRun);
      });
    }

    if (tenant.attachmentRetentionDays !== null) {
      const cutoff = new Date(now.getTime() - tenant.attachmentRetentionDays * DAY_MS);
      for (;;) {
        const batch = await deps.db.withTenant(tenant.id, async (tx) => {
          const found = await purgeExpiredMedia(tx, cutoff, limit, dryRun);
          if (!dryRun) await deleteAttachmentFiles(deps.attachmentFiles, found.storageKeys);
          return found;
        });
        result.mediaObjects += batch.mediaObjects;
        result.storedFiles += batch.storageKeys.length;
        if (dryRun || batch.mediaObjects < PURGE_BATCH_SIZE) break;
      }
    }

    const { tenantId: _tenantId, slug: _slug, ...counts } = result;
    if (!dryRun && Object.values(counts).some((value) => value > 0)) {
      await deps.db.withTenant(tenant.id, (tx) =>
        insertAuditEntry(tx, {
          tenantId: tenant.id,
          actorKind: 'system',
          action: 'retention.purge',
          data: { ...counts, retentionDays: tenant.retentionDays, attachmentRetentionDays: tenant.attachmentRetentionDays },
        }),
      );
    }
    return result;
  }

  return {
    async getRetention(viewer: Viewer): Promise<TenantRetention> {
      const admin = requireRole(viewer, 'admin', 'read retention periods');
      const row = await deps.db.withTenant(admin.tenantId, (tx) => findTenantRetention(tx, admin.tenantId));
      if (!row) throw notFound('Tenant', admin.tenantId);
      return row;
    },

    /**
     * Sets how many days conversations (after their last activity) and stored attachment files
     * are kept; null keeps them forever. Attachments go with their conversation in any case, so
     * an attachment period longer than the conversation period is rejected as meaningless.
     */
    async setRetention(viewer: Viewer, conversationDays: number | null, attachmentDays: number | null): Promise<TenantRetention> {
      const admin = requireRole(viewer, 'admin', 'set retention periods');
      checkDays(conversationDays, 'conversationDays');
      checkDays(attachmentDays, 'attachmentDays');
      if (conversationDays !== null && attachmentDays !== null && attachmentDays > conversationDays) {
        throw badInput(
          `"attachmentDays" (${attachmentDays}) is longer than "conversationDays" (${conversationDays}); attachments are deleted with their conversation, so use at most ${conversationDays}.`,
          { argument: 'attachmentDays' },
        );
      }
      return deps.db.withTenant(admin.tenantId, async (tx) => {
        const previous = await findTenantRetention(tx, admin.tenantId);
        const row = await updateTenantRetention(tx, admin.tenantId, conversationDays, attachmentDays);
        if (!previous || !row) throw notFound('Tenant', admin.tenantId);
        await insertAuditEntry(tx, {
          tenantId: admin.tenantId,
          actorKind: 'agent',
          actorId: admin.agentId,
          action: 'retention.set',
          targetKind: 'tenant',
          targetId: admin.tenantId,
          data: {
            conversationDays,
            attachmentDays,
            previousConversationDays: previous.retentionDays,
            previousAttachmentDays: previous.attachmentRetentionDays,
          },
        });
        return row;
      });
    },

    /** Deletes what is past each tenant's retention periods; returns the counts per tenant. */
    async purge(options: PurgeOptions = {}): Promise<TenantPurgeResult[]> {
      const now = options.now ?? new Date();
      const tenants = await deps.db.withSystem((tx) => listTenantsWithRetention(tx, options.tenantSlug));
      const results: TenantPurgeResult[] = [];
      for (const tenant of tenants) {
        const result = await purgeTenant(tenant, now, options.dryRun ?? false);
        results.push(result);
        options.onTenantDone?.(result);
      }
      return results;
    },
  };
}

export type RetentionService = ReturnType<typeof createRetentionService>;
