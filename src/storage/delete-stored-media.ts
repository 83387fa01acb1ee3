import type { Database } from '../db/database.js';
import { deleteMediaObject, lockMediaObject } from '../db/queries/media-objects.js';
import { removeAttachmentFields, type MessageRow } from '../db/queries/messages.js';
import { ATTACHMENT_MEDIA_FIELDS } from '../media/attachment-media.js';
import { mediaStorageKey, type MediaStorage } from './media-storage.js';

export interface DeletedMedia {
  /** False when the tenant has no media object with the id, as after an earlier deletion. */
  deleted: boolean;
  /** The message without the attachment's media fields, for the caller to publish after this returns. */
  message: MessageRow | undefined;
}

/**
 * Deletes a media object's stored file and its row, and removes the media fields from the
 * message's attachment (the attachment itself stays). For erasure and retention: deleting a
 * message, conversation or tenant cascades to media_objects rows but leaves the files, so call this
 * for each of their media objects first.
 *
 * The file is deleted while the row is locked and before the row goes, so a failure leaves the row
 * in place for a retry, and deleting an id twice is harmless. A copy still downloading finds its
 * row gone when it finishes and deletes the file it wrote.
 */
export async function deleteStoredMedia(
  deps: { db: Database; storage: MediaStorage },
  tenantId: string,
  mediaId: string,
): Promise<DeletedMedia> {
  return deps.db.withTenant(tenantId, async (tx) => {
    const media = await lockMediaObject(tx, mediaId);
    if (!media) return { deleted: false, message: undefined };

    await deps.storage.delete(media.storageKey ?? mediaStorageKey(tenantId, mediaId));
    await deleteMediaObject(tx, mediaId);
    const message = await removeAttachmentFields(tx, media.messageId, mediaId, ATTACHMENT_MEDIA_FIELDS);
    return { deleted: true, message };
  });
}
