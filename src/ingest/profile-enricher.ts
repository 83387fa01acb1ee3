import { fetchContactProfile } from '../channels/meta/user-profile.js';
import type { Database } from '../db/database.js';
import type { ChannelRow } from '../db/queries/channels.js';
import { applyFetchedProfile, findUnnamedIdentities } from '../db/queries/contacts.js';
import { listConversationIdsOfContact } from '../db/queries/conversations.js';
import type { EventBus } from '../events/event-bus.js';
import { conversationPublication } from '../events/publications.js';
import { publishAll } from '../events/publish.js';
import { loggableError } from '../errors/loggable-error.js';
import type { Logger } from '../logger.js';
import type { ChannelSecretsService } from '../services/channel-secrets.service.js';

export interface ProfileEnricher {
  /** Queues profile lookups for visitors seen on a channel; returns at once. */
  schedule(channel: ChannelRow, externalIds: string[]): void;
  /** Resolves when every queued lookup has finished; for tests and shutdown. */
  idle(): Promise<void>;
}

/**
 * Names new contacts from the provider's profile API after their webhook was acknowledged, so a
 * slow or failing Graph API never delays or fails ingest. Each visitor is looked up once while
 * unnamed; a refused lookup leaves the contact unnamed.
 */
export function createProfileEnricher(deps: {
  db: Database;
  bus: EventBus;
  log: Logger;
  graphApi: { baseUrl: string; timeoutMs: number };
  channelSecrets: ChannelSecretsService;
}): ProfileEnricher {
  const inFlight = new Set<string>();
  const running = new Set<Promise<void>>();

  async function enrich(channel: ChannelRow, externalId: string): Promise<void> {
    const [identity] = await deps.db.withTenant(channel.tenantId, (tx) =>
      findUnnamedIdentities(tx, channel.id, [externalId]),
    );
    if (!identity) return;
    const secrets = await deps.db.withTenant(channel.tenantId, (tx) =>
      deps.channelSecrets.readForUse(tx, {
        tenantId: channel.tenantId,
        channelId: channel.id,
        actorKind: 'system',
        actorId: null,
        purpose: 'fetch_contact_profile',
      }),
    );
    const profile = await fetchContactProfile(deps.graphApi, { kind: channel.kind, accessToken: secrets.accessToken }, externalId);
    if (!profile) return;

    const conversationIds = await deps.db.withTenant(channel.tenantId, async (tx) => {
      await applyFetchedProfile(tx, identity, profile);
      return listConversationIdsOfContact(tx, identity.contactId);
    });
    await publishAll(
      deps.bus,
      conversationIds.map((id) => conversationPublication(channel.tenantId, id)),
      deps.log,
    );
  }

  return {
    schedule(channel, externalIds) {
      for (const externalId of new Set(externalIds)) {
        const key = `${channel.id}:${externalId}`;
        if (inFlight.has(key)) continue;
        inFlight.add(key);
        const task = enrich(channel, externalId)
          .catch((error: unknown) => {
            deps.log.warn({ error: loggableError(error), channelId: channel.id }, 'contact profile lookup failed');
          })
          .finally(() => {
            inFlight.delete(key);
            running.delete(task);
          });
        running.add(task);
      }
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}
