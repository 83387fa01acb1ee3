import type { Readable } from 'node:stream';
import type { MediaStorageConfig } from '../config/config.js';

/** A stored file opened for reading. */
export interface StoredObject {
  body: Readable;
  /** Size in bytes when the backend reports it. */
  byteSize: number | undefined;
}

/**
 * Storage for attachment copies. Keys come from `mediaStorageKey` only, so every object is under
 * its tenant's prefix and no key can name a path outside the storage root.
 */
export interface MediaStorage {
  readonly kind: MediaStorageConfig['kind'];
  /** Writes the whole file; a reader never sees a partly written object. */
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** Opens the file, or returns undefined when no object has the key. */
  get(key: string): Promise<StoredObject | undefined>;
  /** Deletes the file; deleting a key that does not exist succeeds. */
  delete(key: string): Promise<void>;
  close(): void;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const KEY_PATTERN = new RegExp(`^${UUID}/${UUID}$`);

/** Builds the key of a media object: "<tenant id>/<media id>", both lowercase UUIDs. */
export function mediaStorageKey(tenantId: string, mediaId: string): string {
  return assertValidStorageKey(`${tenantId}/${mediaId}`);
}

/** Throws for anything that is not a key `mediaStorageKey` builds, such as "../x" or an absolute path. */
export function assertValidStorageKey(key: string): string {
  if (!KEY_PATTERN.test(key)) throw new Error('invalid media storage key: expected "<tenant uuid>/<media uuid>"');
  return key;
}
