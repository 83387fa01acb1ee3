import type { ChannelRef, NormalizedEvent, ParsedWebhook } from '../channels/normalized-event.js';
import type { Database } from '../db/database.js';
import { findChannelByExternalId, type ChannelRow } from '../db/queries/channels.js';
import { SqlState, sqlStateOf } from '../db/postgres-errors.js';
import { findTenant } from '../db/queries/tenants.js';
import type { EventBus } from '../events/event-bus.js';
import type { PendingPublication } from '../events/publications.js';
import { publishAll } from '../events/publish.js';
import { loggableError } from '../errors/loggable-error.js';
import type { Logger } from '../logger.js';
import { deleteStoredMedia } from '../storage/delete-stored-media.js';
import type { MediaStorage } from '../storage/media-storage.js';
import { applyEvent } from './apply-event.js';

export interface IngestSummary {
  applied: number;
  skipped: number;
  /** Updates kept until the message they name is stored. */
  deferred: number;
  ignored: number;
  unknownChannels: number;
  /** Events acknowledged but not stored because the channel's tenant is suspended. */
  droppedForSuspendedTenant: number;
  /** Attachment copies queued for the media copy worker. */
  mediaQueued: number;
}

export interface IngestDependencies {
  db: Database;
  bus: EventBus;
  log: Logger;
  /** Called after commit with the visitors whose messages arrived without a profile name. */
  onContactsSeen?: (channel: ChannelRow, externalIds: string[]) => void;
  storage: MediaStorage;
  /** Called after commit when attachment copies were queued, so the copy worker starts without waiting for its next poll. */
  onMediaQueued?: () => void;
}

const refKey = (ref: ChannelRef) => `${ref.kind}:${ref.externalId}`;

/**
 * Stores a parsed webhook: one transaction per channel, each in that channel's tenant, then
 * publishes what changed. Resolves only after every transaction has committed, so the caller can
 * acknowledge; a throw means some channel's events were not stored and the provider should retry,
 * and a retry re-applies already stored events harmlessly.
 */
export async function ingestWebhook(deps: IngestDependencies, parsed: ParsedWebhook): Promise<IngestSummary> {
  const summary: IngestSummary = {
    applied: 0,
    skipped: 0,
    deferred: 0,
    ignored: parsed.ignored.length,
    unknownChannels: 0,
    droppedForSuspendedTenant: 0,
    mediaQueued: 0,
  };
  for (const item of parsed.ignored) {
    deps.log.debug({ channel: item.channel, reason: item.reason }, 'webhook item ignored');
  }

  const eventsByChannel = new Map<string, { ref: ChannelRef; events: NormalizedEvent[] }>();
  for (const event of parsed.events) {
    const key = refKey(event.channel);
    const group = eventsByChannel.get(key) ?? { ref: event.channel, events: [] };
    group.events.push(event);
    eventsByChannel.set(key, group);
  }

  const publications: PendingPublication[] = [];
  const mediaToDelete: { tenantId: string; mediaId: string }[] = [];
  for (const { ref, events } of eventsByChannel.values()) {
    const { channel, tenant } = await deps.db.withSystem(async (tx) => {
      const found = await findChannelByExternalId(tx, ref.kind, ref.externalId);
      return { channel: found, tenant: found ? await findTenant(tx, found.tenantId) : undefined };
    });
    if (!channel) {
      // Acknowledged, not retried: Meta would redeliver forever for a page no tenant connected.
      summary.unknownChannels += 1;
      deps.log.warn({ channelKind: ref.kind, externalId: ref.externalId, eventCount: events.length }, 'webhook for a channel that is not connected');
      continue;
    }
    if (tenant?.status === 'suspended') {
      // Acknowledged so Meta stops redelivering, but nothing of a suspended tenant is stored.
      summary.droppedForSuspendedTenant += events.length;
      deps.log.warn({ tenantId: channel.tenantId, channelId: channel.id, eventCount: events.length }, 'webhook for a suspended tenant dropped');
      continue;
    }
    const result = await ingestChannelEvents(deps, channel, events);
    const unnamed = events.flatMap((event) =>
      event.type === 'message' && event.contact && !event.contact.profileName ? [event.contact.externalId] : [],
    );
    if (unnamed.length > 0) deps.onContactsSeen?.(channel, unnamed);
    summary.applied += result.applied;
    summary.skipped += result.skipped;
    summary.deferred += result.deferred;
    summary.mediaQueued += result.mediaQueued;
    publications.push(...result.publications);
    mediaToDelete.push(...result.mediaToDelete.map((mediaId) => ({ tenantId: channel.tenantId, mediaId })));
  }

  await publishAll(deps.bus, publications, deps.log);
  if (summary.mediaQueued > 0) deps.onMediaQueued?.();
  await deleteMediaOfDeletedMessages(deps, mediaToDelete);
  return summary;
}

// Two webhooks touching the same visitors in opposite order can deadlock; PostgreSQL aborts one
// of them, and running it again then succeeds.
const RETRYABLE_SQL_STATES = new Set<string>([SqlState.DeadlockDetected, SqlState.SerializationFailure]);
const MAX_ATTEMPTS = 4;
/**
 * Deletes the stored copies of attachments whose messages the provider deleted. It runs after the
 * deletion is committed, because storage is not transactional. A failure is logged, not thrown,
 * because the webhook's data is stored and the provider need not retry.
 */
async function deleteMediaOfDeletedMessages(deps: IngestDependencies, media: { tenantId: string; mediaId: string }[]) {
  for (const { tenantId, mediaId } of media) {
    try {
      await deleteStoredMedia(deps, tenantId, mediaId);
      deps.log.info({ tenantId, mediaId }, 'deleted the stored copy of a deleted message\'s attachment');
    } catch (error) {
      // TODO(media): nothing retries this deletion unless Meta redelivers the event; a sweep of media rows of deleted messages would.
      deps.log.error({ error: loggableError(error), tenantId, mediaId }, 'deleting the stored copy of a deleted message\'s attachment failed');
    }
  }
}

async function ingestChannelEvents(deps: IngestDependencies, channel: ChannelRow, events: NormalizedEvent[]) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await applyChannelEvents(deps, channel, events);
    } catch (error) {
      const sqlState = sqlStateOf(error);
      if (!sqlState || !RETRYABLE_SQL_STATES.has(sqlState) || attempt >= MAX_ATTEMPTS) throw error;
      deps.log.warn({ channelId: channel.id, sqlState, attempt }, 'webhook transaction aborted by the database; retrying');
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40 * attempt));
    }
  }
}

function applyChannelEvents(deps: IngestDependencies, channel: ChannelRow, events: NormalizedEvent[]) {
  return deps.db.withTenant(channel.tenantId, async (tx) => {
    const result = {
      applied: 0,
      skipped: 0,
      deferred: 0,
      mediaQueued: 0,
      mediaToDelete: [] as string[],
      publications: [] as PendingPublication[],
    };
    for (const event of events) {
      const outcome = await applyEvent(tx, channel, event);
      if (outcome.skippedBecause) {
        result.skipped += 1;
        deps.log.info({ channelId: channel.id, eventType: event.type, reason: outcome.skippedBecause }, 'webhook event changed nothing');
      } else if (outcome.deferredBecause) {
        result.deferred += 1;
        deps.log.info({ channelId: channel.id, eventType: event.type, reason: outcome.deferredBecause }, 'webhook event kept for later');
      } else {
        result.applied += 1;
      }
      result.mediaQueued += outcome.mediaQueued ?? 0;
      result.mediaToDelete.push(...(outcome.mediaToDelete ?? []));
      result.publications.push(...outcome.publications);
    }
    return result;
  });
}
