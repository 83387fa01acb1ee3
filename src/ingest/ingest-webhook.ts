import type { ChannelRef, NormalizedEvent, ParsedWebhook } from '../channels/normalized-event.js';
import type { Database } from '../db/database.js';
import { findChannelByExternalId, type ChannelRow } from '../db/queries/channels.js';
import type { EventBus } from '../events/event-bus.js';
import type { PendingPublication } from '../events/publications.js';
import { publishAll } from '../events/publish.js';
import type { Logger } from '../logger.js';
import { applyEvent } from './apply-event.js';

export interface IngestSummary {
  applied: number;
  skipped: number;
  /** Updates kept until the message they name is stored. */
  deferred: number;
  ignored: number;
  unknownChannels: number;
}

export interface IngestDependencies {
  db: Database;
  bus: EventBus;
  log: Logger;
}

const refKey = (ref: ChannelRef) => `${ref.kind}:${ref.externalId}`;

/**
 * Stores a parsed webhook: one transaction per channel, each in that channel's tenant, then
 * publishes what changed. Resolves only after every transaction has committed, so the caller can
 * acknowledge; a throw means some channel's events were not stored and the provider should retry,
 * and a retry re-applies already stored events harmlessly.
 */
export async function ingestWebhook(deps: IngestDependencies, parsed: ParsedWebhook): Promise<IngestSummary> {
  const summary: IngestSummary = { applied: 0, skipped: 0, deferred: 0, ignored: parsed.ignored.length, unknownChannels: 0 };
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
  for (const { ref, events } of eventsByChannel.values()) {
    const channel = await deps.db.withSystem((tx) => findChannelByExternalId(tx, ref.kind, ref.externalId));
    if (!channel) {
      // Acknowledged, not retried: Meta would redeliver forever for a page nobody connected.
      summary.unknownChannels += 1;
      deps.log.warn({ channelKind: ref.kind, externalId: ref.externalId, eventCount: events.length }, 'webhook for a channel that is not connected');
      continue;
    }
    const result = await ingestChannelEvents(deps, channel, events);
    summary.applied += result.applied;
    summary.skipped += result.skipped;
    summary.deferred += result.deferred;
    publications.push(...result.publications);
  }

  await publishAll(deps.bus, publications, deps.log);
  return summary;
}

async function ingestChannelEvents(deps: IngestDependencies, channel: ChannelRow, events: NormalizedEvent[]) {
  return deps.db.withTenant(channel.tenantId, async (tx) => {
    const result = { applied: 0, skipped: 0, deferred: 0, publications: [] as PendingPublication[] };
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
      result.publications.push(...outcome.publications);
    }
    return result;
  });
}
