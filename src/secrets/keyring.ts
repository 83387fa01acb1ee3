import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptionKey } from '../config/config.js';

/**
 * Stored form of an encrypted value: `enc:v1:<key id>:<iv>:<ciphertext and tag>`, both binary
 * parts base64url. The version lets a later format live beside this one; the key id names the
 * configured key that decrypts it.
 */
const PREFIX = 'enc:v1:';
const IV_BYTES = 12; // the size GCM is specified for (NIST SP 800-38D)
const TAG_BYTES = 16;

export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptionError';
  }
}

/**
 * AES-256-GCM over the configured keys. Every value is bound to a context string (such as the
 * column and row it is stored in) as additional authenticated data, so a ciphertext copied into
 * another row or column fails to decrypt instead of handing one channel's token to another.
 */
export interface Keyring {
  readonly currentKeyId: string;
  encrypt(plaintext: string, context: string): string;
  /** Throws DecryptionError for plaintext, an unknown key id, a wrong context or tampering. */
  decrypt(stored: string, context: string): string;
  isEncrypted(stored: string): boolean;
  /** The key id a stored value was encrypted with, or undefined for plaintext. */
  keyIdOf(stored: string): string | undefined;
}

export function createKeyring(keys: readonly EncryptionKey[]): Keyring {
  const [current] = keys;
  if (!current) throw new Error('a keyring needs at least one key');
  const byId = new Map(keys.map((entry) => [entry.id, entry.key]));

  const keyIdOf = (stored: string) => (stored.startsWith(PREFIX) ? stored.slice(PREFIX.length).split(':')[0] : undefined);

  return {
    currentKeyId: current.id,

    encrypt(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${PREFIX}${current.id}:${iv.toString('base64url')}:${sealed.toString('base64url')}`;
    },

    decrypt(stored, context) {
      if (!stored.startsWith(PREFIX)) {
        throw new DecryptionError('The value is not encrypted; run "parley secrets rotate" to encrypt stored secrets.');
      }
      const [keyId, ivText, sealedText, ...extra] = stored.slice(PREFIX.length).split(':');
      const key = keyId === undefined ? undefined : byId.get(keyId);
      if (!key) throw new DecryptionError(`No configured key has id "${keyId}"; add it to ENCRYPTION_KEYS.`);
      const iv = Buffer.from(ivText ?? '', 'base64url');
      const sealed = Buffer.from(sealedText ?? '', 'base64url');
      if (extra.length > 0 || iv.length !== IV_BYTES || sealed.length < TAG_BYTES) {
        throw new DecryptionError('The encrypted value is malformed.');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv);
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
        const ciphertext = sealed.subarray(0, sealed.length - TAG_BYTES);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch {
        throw new DecryptionError(`The value does not decrypt with key "${keyId}": it was altered or belongs to another row.`);
      }
    },

    isEncrypted: (stored) => stored.startsWith(PREFIX),
    keyIdOf,
  };
}
