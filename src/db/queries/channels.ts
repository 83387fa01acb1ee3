import { randomUUID } from 'node:crypto';
import { and, asc, eq, getTableColumns, gt, isNotNull, or } from 'drizzle-orm';
import type { ChannelKind } from '../../channels/normalized-event.js';
import type { Keyring } from '../../secrets/keyring.js';
import type { Tx } from '../database.js';
import { channels, tenants } from '../schema.js';

// Channel secrets (access_token, bot_secret) are encrypted here, at the repository boundary:
// rows leave this module without them, and only findChannelSecrets returns them, decrypted.
// No other module reads ciphertext or handles keys.

const { accessToken: _accessToken, botSecret: _botSecret, ...channelColumns } = getTableColumns(channels);

/** A channel without its secrets. */
export type ChannelRow = Omit<typeof channels.$inferSelect, 'accessToken' | 'botSecret'>;

/** A channel's secrets in plain text; null where the channel has none. */
export interface ChannelSecrets {
  accessToken: string | null;
  botSecret: string | null;
}

export type NewChannel = Omit<typeof channels.$inferInsert, 'accessToken' | 'botSecret'> & Partial<ChannelSecrets>;

type SecretColumn = 'access_token' | 'bot_secret';

/** Binds a ciphertext to its column and row, so it cannot be moved to another channel. */
const secretContext = (column: SecretColumn, channelId: string) => `channels.${column}:${channelId}`;

function seal(keyring: Keyring, column: SecretColumn, channelId: string, value: string | null | undefined): string | null {
  return value == null ? null : keyring.encrypt(value, secretContext(column, channelId));
}

/** Finds the channel a webhook names, across tenants; callers run it in a system transaction. */
export async function findChannelByExternalId(
  tx: Tx,
  kind: ChannelKind,
  externalId: string,
): Promise<ChannelRow | undefined> {
  const [row] = await tx
    .select(channelColumns)
    .from(channels)
    .where(and(eq(channels.kind, kind), eq(channels.externalId, externalId)));
  return row;
}

/**
 * Finds the webchat channel a widget key names, with its tenant's slug, name and status. It
 * searches across tenants, so callers run it in a system transaction: the visitor has no tenant yet.
 */
export async function findWebchatChannelByPublicKey(tx: Tx, publicKey: string) {
  const [row] = await tx
    .select({ channel: channels, tenant: { slug: tenants.slug, name: tenants.name, status: tenants.status } })
    .from(channels)
    .innerJoin(tenants, eq(tenants.id, channels.tenantId))
    .where(and(eq(channels.kind, 'webchat'), eq(channels.publicKey, publicKey)));
  return row;
}

export async function findChannel(tx: Tx, channelId: string): Promise<ChannelRow | undefined> {
  const [row] = await tx.select(channelColumns).from(channels).where(eq(channels.id, channelId));
  return row;
}

export function listChannels(tx: Tx): Promise<ChannelRow[]> {
  return tx.select(channelColumns).from(channels).orderBy(asc(channels.createdAt), asc(channels.id));
}

export async function insertChannel(tx: Tx, keyring: Keyring, values: NewChannel): Promise<ChannelRow> {
  const id = values.id ?? randomUUID();
  const [row] = await tx
    .insert(channels)
    .values({
      ...values,
      id,
      accessToken: seal(keyring, 'access_token', id, values.accessToken),
      botSecret: seal(keyring, 'bot_secret', id, values.botSecret),
    })
    .returning(channelColumns);
  if (!row) throw new Error('insert into channels returned no row');
  return row;
}

/** Returns a channel's secrets decrypted; throws DecryptionError when a stored value does not decrypt. */
export async function findChannelSecrets(tx: Tx, keyring: Keyring, channelId: string): Promise<ChannelSecrets | undefined> {
  const [row] = await tx
    .select({ accessToken: channels.accessToken, botSecret: channels.botSecret })
    .from(channels)
    .where(eq(channels.id, channelId));
  if (!row) return undefined;
  return {
    accessToken: row.accessToken === null ? null : keyring.decrypt(row.accessToken, secretContext('access_token', channelId)),
    botSecret: row.botSecret === null ? null : keyring.decrypt(row.botSecret, secretContext('bot_secret', channelId)),
  };
}

/** Replaces the given secrets; a field left out keeps its stored value, null clears it. */
export async function updateChannelSecrets(
  tx: Tx,
  keyring: Keyring,
  channelId: string,
  secrets: Partial<ChannelSecrets>,
): Promise<boolean> {
  const changes = {
    ...(secrets.accessToken !== undefined ? { accessToken: seal(keyring, 'access_token', channelId, secrets.accessToken) } : {}),
    ...(secrets.botSecret !== undefined ? { botSecret: seal(keyring, 'bot_secret', channelId, secrets.botSecret) } : {}),
  };
  if (Object.keys(changes).length === 0) return true;
  const updated = await tx.update(channels).set(changes).where(eq(channels.id, channelId)).returning({ id: channels.id });
  return updated.length > 0;
}

export interface RotationPage {
  /** The last channel id of the page, to pass as `afterId` next; undefined when no channel was left. */
  lastId: string | undefined;
  channels: number;
  /** Stored values re-encrypted with the current key, plaintext ones included. */
  reencrypted: number;
  /** Of those, values that were still plaintext. */
  wasPlaintext: number;
  alreadyCurrent: number;
}

/**
 * Re-encrypts one page of channels' secrets with the keyring's current key, in id order, across
 * tenants (run it in a system transaction). Values not yet encrypted are encrypted. Each row is
 * locked while it is rewritten, so a concurrent secret update is not overwritten with the old value.
 */
export async function rotateChannelSecretsPage(
  tx: Tx,
  keyring: Keyring,
  afterId: string | undefined,
  limit: number,
): Promise<RotationPage> {
  const rows = await tx
    .select({ id: channels.id, accessToken: channels.accessToken, botSecret: channels.botSecret })
    .from(channels)
    .where(and(afterId ? gt(channels.id, afterId) : undefined, or(isNotNull(channels.accessToken), isNotNull(channels.botSecret))))
    .orderBy(asc(channels.id))
    .limit(limit)
    .for('update');

  const page: RotationPage = { lastId: rows.at(-1)?.id, channels: rows.length, reencrypted: 0, wasPlaintext: 0, alreadyCurrent: 0 };
  for (const row of rows) {
    const changes: Partial<Record<'accessToken' | 'botSecret', string>> = {};
    for (const [field, column] of [['accessToken', 'access_token'], ['botSecret', 'bot_secret']] as const) {
      const stored = row[field];
      if (stored === null) continue;
      if (keyring.keyIdOf(stored) === keyring.currentKeyId) {
        page.alreadyCurrent += 1;
        continue;
      }
      const context = secretContext(column, row.id);
      const plaintext = keyring.isEncrypted(stored) ? keyring.decrypt(stored, context) : stored;
      if (!keyring.isEncrypted(stored)) page.wasPlaintext += 1;
      changes[field] = keyring.encrypt(plaintext, context);
      page.reencrypted += 1;
    }
    if (Object.keys(changes).length > 0) await tx.update(channels).set(changes).where(eq(channels.id, row.id));
  }
  return page;
}
