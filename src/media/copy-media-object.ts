import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { MediaSource, MediaSourceResolver } from '../channels/media-source.js';
import type { MediaConfig } from '../config/config.js';
import type { Database } from '../db/database.js';
import { findPendingCopyJob, releaseMediaObject, updatePendingMediaObject, type ClaimedMediaObject } from '../db/queries/media-objects.js';
import { patchAttachmentOfMedia, type MessageRow } from '../db/queries/messages.js';
import { loggableError } from '../errors/loggable-error.js';
import type { EventBus } from '../events/event-bus.js';
import { messagePublication } from '../events/publications.js';
import { publishAll } from '../events/publish.js';
import type { Logger } from '../logger.js';
import type { ChannelSecretsService } from '../services/channel-secrets.service.js';
import { mediaStorageKey, type MediaStorage } from '../storage/media-storage.js';
import type { AttachmentMedia } from './attachment-media.js';
import { downloadMedia, parseMediaType, type DownloadFailure } from './download-media.js';

export interface MediaCopyDependencies {
  db: Database;
  bus: EventBus;
  log: Logger;
  storage: MediaStorage;
  sources: MediaSourceResolver;
  config: MediaConfig;
  channelSecrets: ChannelSecretsService;
}

// Channel kinds whose media downloads need the channel's token (WhatsApp's media id exchange).
const KINDS_NEEDING_TOKEN = new Set(['whatsapp']);

const GENERIC_MEDIA_TYPE = 'application/octet-stream';

/** Returns the wait before the next attempt after `attempts` failed ones: the base delay, doubled for each further attempt up to the maximum. */
export function retryDelayMs(attempts: number, config: Pick<MediaConfig, 'retryBaseDelayMs' | 'retryMaxDelayMs'>): number {
  return Math.min(config.retryBaseDelayMs * 2 ** Math.max(attempts - 1, 0), config.retryMaxDelayMs);
}

/**
 * Runs one claimed copy: finds the file through the channel, downloads and stores it, then records
 * the outcome on the media object and the message's attachment and publishes the message. Throws
 * only when `signal` aborts, after giving the claim back.
 */
export async function copyMediaObject(deps: MediaCopyDependencies, claimed: ClaimedMediaObject, signal: AbortSignal): Promise<void> {
  const log = deps.log.child({ mediaId: claimed.id, tenantId: claimed.tenantId, attempt: claimed.attempts });
  const job = await deps.db.withTenant(claimed.tenantId, async (tx) => {
    const pending = await findPendingCopyJob(tx, claimed.id);
    if (!pending) return undefined;
    const accessToken = KINDS_NEEDING_TOKEN.has(pending.channel.kind)
      ? (
          await deps.channelSecrets.readForUse(tx, {
            tenantId: claimed.tenantId,
            channelId: pending.media.channelId,
            actorKind: 'system',
            actorId: null,
            purpose: 'copy_media',
          })
        ).accessToken
      : null;
    return { ...pending, channel: { ...pending.channel, accessToken } };
  });
  if (!job) {
    log.debug('media copy skipped: the media object is no longer pending');
    return;
  }
  if (claimed.attempts > deps.config.maxAttempts) {
    // A worker stopped abruptly during what was the last allowed attempt.
    await recordFailure(deps, log, claimed, { ok: false, error: 'The last attempt was interrupted.', permanent: true });
    return;
  }

  log.debug({ messageId: job.media.messageId, channelKind: job.channel.kind }, 'media copy started');
  try {
    signal.throwIfAborted();
    // TODO(media): the media id exchange ignores `signal`, so stopping waits for it, up to GRAPH_API_TIMEOUT_MS.
    const resolved = await deps.sources.resolve({
      channel: job.channel,
      url: job.media.sourceUrl,
      providerMediaId: job.media.sourceMediaId,
    });
    if (!resolved.ok) return await recordFailure(deps, log, claimed, resolved);

    const downloaded = await downloadMedia(
      resolved.source,
      { maxBytes: deps.config.maxBytes, timeoutMs: deps.config.downloadTimeoutMs },
      signal,
    );
    if (!downloaded.ok) return await recordFailure(deps, log, claimed, downloaded);
    const integrityProblem = checkIntegrity(downloaded.body, resolved.source);
    if (integrityProblem) return await recordFailure(deps, log, claimed, { ok: false, error: integrityProblem, permanent: false });

    const contentType =
      [downloaded.contentType, parseMediaType(resolved.source.contentType), parseMediaType(job.media.contentType)].find(
        (type) => type !== undefined && type !== GENERIC_MEDIA_TYPE,
      ) ?? GENERIC_MEDIA_TYPE;
    const key = mediaStorageKey(claimed.tenantId, claimed.id);
    try {
      await deps.storage.put(key, downloaded.body, contentType);
    } catch (error) {
      log.error({ error: loggableError(error), storage: deps.storage.kind }, 'media storage write failed');
      return await recordFailure(deps, log, claimed, { ok: false, error: 'Writing the file to storage failed.', permanent: false });
    }
    await recordStored(deps, log, claimed, { key, contentType, byteSize: downloaded.body.length });
  } catch (error) {
    if (!signal.aborted) throw error;
    await deps.db.withTenant(claimed.tenantId, (tx) => releaseMediaObject(tx, claimed.id));
    log.info('media copy interrupted by shutdown; released for another attempt');
    throw error;
  }
}

/** Checks the file against the size and SHA-256 the provider stated (WhatsApp states both). */
function checkIntegrity(body: Buffer, source: MediaSource): string | undefined {
  if (source.byteSize !== undefined && source.byteSize !== body.length) {
    return `The file is ${body.length} bytes but the provider stated ${source.byteSize}.`;
  }
  if (source.sha256) {
    const digest = createHash('sha256').update(body).digest();
    const stated = source.sha256.trim();
    // Published examples show the hash in hex in the media URL response and in base64 in webhooks, so both are accepted.
    if (stated.toLowerCase() !== digest.toString('hex') && stated !== digest.toString('base64')) {
      return "The file's SHA-256 does not match the one the provider stated.";
    }
  }
  return undefined;
}

async function recordStored(
  deps: MediaCopyDependencies,
  log: Logger,
  claimed: ClaimedMediaObject,
  file: { key: string; contentType: string; byteSize: number },
): Promise<void> {
  const message = await deps.db.withTenant(claimed.tenantId, async (tx) => {
    const stored = await updatePendingMediaObject(tx, claimed.id, {
      status: 'stored',
      storageKey: file.key,
      contentType: file.contentType,
      byteSize: file.byteSize,
      lastError: null,
    });
    if (!stored) return null;
    const fields: AttachmentMedia & { contentType: string } = {
      mediaId: claimed.id,
      storageStatus: 'stored',
      storageAttempts: stored.attempts,
      storageError: null,
      contentType: file.contentType,
      byteSize: file.byteSize,
    };
    return (await patchAttachmentOfMedia(tx, stored.messageId, claimed.id, fields)) ?? null;
  });

  if (message === null) {
    // The media object was deleted while the file downloaded, so nothing references the file.
    await deps.storage.delete(file.key);
    log.info('media copy discarded: the media object was deleted during the download');
    return;
  }
  log.info({ messageId: message.id, byteSize: file.byteSize, contentType: file.contentType }, 'media copy stored');
  await publishAll(deps.bus, [messagePublication(claimed.tenantId, 'updated', message)], log);
}

async function recordFailure(
  deps: MediaCopyDependencies,
  log: Logger,
  claimed: ClaimedMediaObject,
  failure: DownloadFailure,
): Promise<void> {
  const isFinal = failure.permanent || claimed.attempts >= deps.config.maxAttempts;
  const delayMs = retryDelayMs(claimed.attempts, deps.config);

  const message: MessageRow | undefined = await deps.db.withTenant(claimed.tenantId, async (tx) => {
    const updated = await updatePendingMediaObject(
      tx,
      claimed.id,
      isFinal
        ? { status: 'failed', lastError: failure.error }
        : { lastError: failure.error, nextAttemptAt: sql`now() + make_interval(secs => ${delayMs / 1000})` },
    );
    if (!updated) return undefined;
    const fields: AttachmentMedia = {
      mediaId: claimed.id,
      storageStatus: isFinal ? 'failed' : 'pending',
      storageAttempts: updated.attempts,
      storageError: failure.error,
    };
    return patchAttachmentOfMedia(tx, updated.messageId, claimed.id, fields);
  });

  if (isFinal) {
    log.warn({ error: failure.error, permanent: failure.permanent }, 'media copy failed; no further attempts');
  } else {
    log.warn({ error: failure.error, retryInMs: delayMs }, 'media copy failed; will retry');
  }
  if (message) await publishAll(deps.bus, [messagePublication(claimed.tenantId, 'updated', message)], log);
}
