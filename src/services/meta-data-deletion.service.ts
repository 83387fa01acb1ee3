import { createHmac, randomBytes } from 'node:crypto';
import { DATA_DELETION_CHANNEL_KINDS } from '../channels/meta/signed-request.js';
import { insertAuditEntry } from '../db/queries/audit-log.js';
import { findContactsByExternalId } from '../db/queries/contact-erasure.js';
import {
  completeMetaDeletionRequest,
  findMetaDeletionRequestByCode,
  insertMetaDeletionRequest,
  type MetaDeletionRequestRow,
} from '../db/queries/meta-deletion-requests.js';
import { loggableError } from '../errors/loggable-error.js';
import { eraseContact } from './data-subject/erase-contact.js';
import type { PrivacyDependencies } from './dependencies.js';

export const DATA_DELETION_STATUS_PATH = '/webhooks/meta/data-deletion/status';

export interface MetaDeletionReceipt {
  /** The status page Meta shows the person. */
  url: string;
  confirmationCode: string;
  request: MetaDeletionRequestRow;
}

/**
 * Creates the handler of Meta's data-deletion callback. It erases every contact with the user's
 * id on a Meta channel, in every tenant that has one, with the same erasure as a tenant admin's
 * request. Only a keyed hash of the user id is stored, so the status page works without the id.
 */
export function createMetaDataDeletionService(deps: PrivacyDependencies & { appSecret: string; publicUrl: string }) {
  const hashUserId = (userId: string) => createHmac('sha256', deps.appSecret).update(`meta-user:${userId}`).digest('hex');

  return {
    async requestDeletion(userId: string): Promise<MetaDeletionReceipt> {
      const confirmationCode = randomBytes(16).toString('hex');
      const request = await deps.db.withSystem((tx) =>
        insertMetaDeletionRequest(tx, { confirmationCode, userIdHash: hashUserId(userId), status: 'pending' }),
      );
      const log = deps.log.child({ metaDeletionRequestId: request.id });

      const tenantIds = new Set<string>();
      try {
        const contacts = await deps.db.withSystem((tx) => findContactsByExternalId(tx, userId, DATA_DELETION_CHANNEL_KINDS));
        for (const { tenantId, contactId } of contacts) {
          await eraseContact(deps, tenantId, contactId, { kind: 'meta', metaDeletionRequestId: request.id });
          tenantIds.add(tenantId);
        }
      } catch (error) {
        log.error({ error: loggableError(error), tenantCount: tenantIds.size }, 'meta data deletion failed');
        await deps.db.withSystem((tx) => completeMetaDeletionRequest(tx, request.id, 'failed', tenantIds.size));
        throw error;
      }

      const completed = await deps.db.withSystem(async (tx) => {
        const row = await completeMetaDeletionRequest(tx, request.id, 'completed', tenantIds.size);
        await insertAuditEntry(tx, {
          tenantId: null,
          actorKind: 'meta',
          action: 'meta.data_deletion',
          targetKind: 'meta_deletion_request',
          targetId: request.id,
          data: { tenantCount: tenantIds.size },
        });
        return row ?? request;
      });
      log.info({ tenantCount: tenantIds.size }, 'meta data deletion completed');
      const url = `${deps.publicUrl}${DATA_DELETION_STATUS_PATH}?code=${confirmationCode}`;
      return { url, confirmationCode, request: completed };
    },

    findRequest(confirmationCode: string): Promise<MetaDeletionRequestRow | undefined> {
      return deps.db.withSystem((tx) => findMetaDeletionRequestByCode(tx, confirmationCode));
    },
  };
}

export type MetaDataDeletionService = ReturnType<typeof createMetaDataDeletionService>;
