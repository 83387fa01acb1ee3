import { randomUUID } from 'node:crypto';
import type { Attachment, AttachmentType, MessageEvent } from '../channels/normalized-event.js';
import type { Tx } from '../db/database.js';
import { insertMediaObjects } from '../db/queries/media-objects.js';
import type { MessageRow } from '../db/queries/messages.js';
import type { StoredAttachment } from '../media/attachment-media.js';

/**
 * Attachment types whose file Parley copies. A fallback's URL is a shared web page and a template
 * is structured content, so neither is a file to keep; locations carry no file.
 */
const COPIED_TYPES = new Set<AttachmentType>(['image', 'audio', 'video', 'file', 'sticker']);

interface PlannedCopy {
  id: string;
  sourceUrl: string | null;
  sourceMediaId: string | null;
  /** The provider's stated MIME type, used when the download does not name a specific one. */
  contentType: string | null;
}

export interface MediaCopyPlan {
  /** The attachments to store on the message, each copied one carrying its `mediaId`. */
  attachments: StoredAttachment[];
  copies: PlannedCopy[];
}

const isCopied = (attachment: Attachment) =>
  COPIED_TYPES.has(attachment.type) && Boolean(attachment.url || attachment.providerMediaId);

/**
 * Chooses the inbound attachments to copy into Parley's storage and gives each a media id before
 * the message is inserted, so the message row references its copies from the start.
 */
export function planMediaCopies(event: MessageEvent): MediaCopyPlan {
  // TODO(media): outbound echoes (files the page sent from another app) keep only the provider's expiring URL.
  if (event.direction !== 'inbound') return { attachments: event.attachments, copies: [] };

  const copies: PlannedCopy[] = [];
  const attachments = event.attachments.map((attachment): StoredAttachment => {
    if (!isCopied(attachment)) return attachment;
    const id = randomUUID();
    copies.push({
      id,
      sourceUrl: attachment.url ?? null,
      sourceMediaId: attachment.providerMediaId ?? null,
      contentType: attachment.contentType ?? null,
    });
    return { ...attachment, mediaId: id, storageStatus: 'pending', storageAttempts: 0 };
  });
  return { attachments, copies };
}

/**
 * Queues the planned copies for the copy worker, in the transaction that inserted the message.
 * Ingest calls it only for a newly inserted message, so a redelivered webhook queues nothing twice.
 */
export async function queueMediaCopies(tx: Tx, message: MessageRow, copies: PlannedCopy[]): Promise<void> {
  await insertMediaObjects(
    tx,
    copies.map((copy) => ({
      id: copy.id,
      tenantId: message.tenantId,
      messageId: message.id,
      channelId: message.channelId,
      sourceUrl: copy.sourceUrl,
      sourceMediaId: copy.sourceMediaId,
      contentType: copy.contentType,
    })),
  );
}
