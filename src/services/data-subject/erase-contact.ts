import { deleteContactWithData } from '../../db/queries/contact-erasure.js';
import { findContact } from '../../db/queries/contacts.js';
import { hasCompletedErasure, type DataSubjectRequestRow } from '../../db/queries/data-subject-requests.js';
import { notFound } from '../../errors/app-error.js';
import { deleteAttachmentFiles } from '../../privacy/attachment-files.js';
import { personalKeyPrefix } from '../../privacy/personal-keys.js';
import type { PrivacyDependencies } from '../dependencies.js';
import { recordDataSubjectRequest, type Requester } from './record-request.js';

/**
 * Erases a contact in one tenant: every row about them, their stored attachment files and their
 * Redis keys, then records the request with counts only. Irreversible. Erasing a contact that an
 * earlier request already erased changes nothing but records the request again. An id that never
 * was a contact of the tenant is NOT_FOUND.
 *
 * Files and Redis keys are deleted before the transaction commits: if either fails, the rows
 * stay and the request can be repeated, rather than leaving rows without their cleanup.
 */
export function eraseContact(
  deps: PrivacyDependencies,
  tenantId: string,
  contactId: string,
  requester: Requester,
): Promise<DataSubjectRequestRow> {
  return deps.db.withTenant(tenantId, async (tx) => {
    const record = { tenantId, subjectKind: 'contact' as const, subjectId: contactId, kind: 'erasure' as const, requester };
    const contact = await findContact(tx, contactId);
    if (!contact) {
      if (!(await hasCompletedErasure(tx, 'contact', contactId))) throw notFound('Contact', contactId);
      return recordDataSubjectRequest(tx, { ...record, status: 'completed', details: { alreadyErased: true } });
    }

    // TODO(privacy): publish a conversation-removed event once the API has one, so open inboxes drop the thread.
    const erasure = await deleteContactWithData(tx, contactId);
    const storedFiles = await deleteAttachmentFiles(deps.attachmentFiles, erasure.storageKeys);
    const cacheKeys = await deps.personalKeys.deleteKeysWithPrefix(personalKeyPrefix(tenantId, 'contact', contactId));
    if (storedFiles === 'no_store_configured') {
      deps.log.warn({ tenantId, contactId, fileCount: erasure.storageKeys.length }, 'erased media rows but no media store is configured to delete their files');
    }
    return recordDataSubjectRequest(tx, {
      ...record,
      status: 'completed',
      details: {
        alreadyErased: false,
        deleted: { ...erasure.counts, storedFiles: erasure.storageKeys.length, cacheKeys },
        storedFiles,
      },
    });
  });
}
