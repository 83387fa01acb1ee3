/**
 * Storage of attachment copies (media_objects.storage_key names one file). Erasure and the
 * retention purge delete files through it before their transaction commits.
 */
export interface AttachmentFileStore {
  deleteFiles(storageKeys: string[]): Promise<void>;
}

/** Outcome for an erased person's stored attachment files. */
export type FileDeletionOutcome = 'none' | 'deleted' | 'no_store_configured';

/**
 * Deletes stored attachment files. Callers run it inside the transaction that deletes the
 * media rows, before commit: when storage fails the rows stay, and a retry finds the files again.
 */
export async function deleteAttachmentFiles(
  store: AttachmentFileStore | undefined,
  storageKeys: string[],
): Promise<FileDeletionOutcome> {
  if (storageKeys.length === 0) return 'none';
  if (!store) return 'no_store_configured';
  await store.deleteFiles(storageKeys);
  return 'deleted';
}
