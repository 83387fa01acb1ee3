import type { Attachment } from '../channels/normalized-event.js';
import type { mediaStatus } from '../db/schema.js';

export type MediaStatus = (typeof mediaStatus.enumValues)[number];

/**
 * Fields that ingest and the copy worker add to an attachment in `messages.attachments` when
 * Parley keeps its own copy. The media_objects row stays the source of truth. These fields mirror
 * it, so a message carries its attachments' state on the event bus and in queries without another lookup.
 */
export interface AttachmentMedia {
  /** The media_objects row id. */
  mediaId: string;
  storageStatus: MediaStatus;
  storageAttempts: number;
  /** Reason the latest attempt failed, without personal data; null once stored. */
  storageError?: string | null;
  /** Size of the stored copy in bytes. */
  byteSize?: number;
}

/** An attachment as stored in `messages.attachments`. */
export type StoredAttachment = Attachment & Partial<AttachmentMedia>;

/** The fields `deleteStoredMedia` removes from an attachment whose copy is gone. */
export const ATTACHMENT_MEDIA_FIELDS = ['mediaId', 'storageStatus', 'storageAttempts', 'storageError', 'byteSize'] as const;
