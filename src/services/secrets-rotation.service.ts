import type { Database } from '../db/database.js';
import { insertAuditEntry } from '../db/queries/audit-log.js';
import { rotateChannelSecretsPage } from '../db/queries/channels.js';
import type { Keyring } from '../secrets/keyring.js';

export interface RotationTotals {
  keyId: string;
  channels: number;
  reencrypted: number;
  wasPlaintext: number;
  alreadyCurrent: number;
}

const CHANNELS_PER_TRANSACTION = 100;

/**
 * Re-encrypts every channel secret with the keyring's current key, a page of channels per
 * transaction, and records the totals in the platform's audit log. Safe to run again after a
 * failure: values already under the current key are left alone. Once it finished, older keys
 * can be removed from ENCRYPTION_KEYS.
 */
export async function rotateChannelSecrets(
  deps: { db: Database; keyring: Keyring },
  onProgress: (totals: RotationTotals) => void = () => {},
): Promise<RotationTotals> {
  const totals: RotationTotals = { keyId: deps.keyring.currentKeyId, channels: 0, reencrypted: 0, wasPlaintext: 0, alreadyCurrent: 0 };
  let afterId: string | undefined;
  for (;;) {
    const page = await deps.db.withSystem((tx) => rotateChannelSecretsPage(tx, deps.keyring, afterId, CHANNELS_PER_TRANSACTION));
    if (page.lastId === undefined) break;
    afterId = page.lastId;
    totals.channels += page.channels;
    totals.reencrypted += page.reencrypted;
    totals.wasPlaintext += page.wasPlaintext;
    totals.alreadyCurrent += page.alreadyCurrent;
    onProgress({ ...totals });
  }

  await deps.db.withSystem((tx) =>
    insertAuditEntry(tx, { tenantId: null, actorKind: 'system', action: 'secrets_rotated', data: { ...totals } }),
  );
  return totals;
}
