import { sql } from 'drizzle-orm';
import type { Tx } from '../db/database.js';
import { insertAuditEntryUnlessRecent, type AuditActorKind } from '../db/queries/audit-log.js';
import { findChannelSecrets, type ChannelSecrets } from '../db/queries/channels.js';
import { notFound } from '../errors/app-error.js';
import type { ServiceDependencies } from './dependencies.js';

/**
 * A channel's token is decrypted for every reply, so one audit row per use would drown the log.
 * Use is recorded as `channel_token_used` at most once per channel per hour instead: the first
 * use in an hour writes a row, later ones within the hour do not.
 */
export const TOKEN_USE_AUDIT_INTERVAL_SECONDS = 60 * 60;

export interface TokenUse {
  tenantId: string;
  channelId: string;
  actorKind: AuditActorKind;
  actorId: string | null;
  /** The reason the token was needed, such as send_message. */
  purpose: string;
}

/** Reads channel secrets for the code that calls a provider with them, recording their use in the audit log. */
export function createChannelSecretsService(deps: Pick<ServiceDependencies, 'keyring'>) {
  // Channels whose use this process recorded or saw recorded, with the time; saves the audit
  // lookup on most sends. Other instances keep their own, and the lookup below covers them.
  const recordedAt = new Map<string, number>();

  async function recordTokenUse(tx: Tx, use: TokenUse): Promise<void> {
    const last = recordedAt.get(use.channelId);
    if (last !== undefined && Date.now() - last < TOKEN_USE_AUDIT_INTERVAL_SECONDS * 1000) return;

    // Serializes concurrent senders on this channel until commit, so only one of them writes the row.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`channel_token_used:${use.channelId}`}, 0))`);
    await insertAuditEntryUnlessRecent(
      tx,
      {
        tenantId: use.tenantId,
        actorKind: use.actorKind,
        actorId: use.actorId,
        action: 'channel_token_used',
        targetKind: 'channel',
        targetId: use.channelId,
        data: { purpose: use.purpose },
      },
      TOKEN_USE_AUDIT_INTERVAL_SECONDS,
    );
    // NOTE: set before commit; if the transaction rolls back, this process skips the row for up to an hour.
    recordedAt.set(use.channelId, Date.now());
  }

  return {
    /** Decrypts a channel's secrets inside the caller's tenant transaction and records the use. */
    async readForUse(tx: Tx, use: TokenUse): Promise<ChannelSecrets> {
      const secrets = await findChannelSecrets(tx, deps.keyring, use.channelId);
      if (!secrets) throw notFound('Channel', use.channelId);
      await recordTokenUse(tx, use);
      return secrets;
    },
  };
}

export type ChannelSecretsService = ReturnType<typeof createChannelSecretsService>;
