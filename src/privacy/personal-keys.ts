import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/**
 * Redis keys that hold one person's data must live under this prefix, so that erasure finds and
 * deletes them. Parley keeps no such keys yet, because Redis carries only pub/sub, which stores
 * nothing. A feature that caches a contact or an agent in Redis must use this prefix.
 */
export function personalKeyPrefix(tenantId: string, subjectKind: 'contact' | 'agent', subjectId: string): string {
  return `parley:tenant:${tenantId}:${subjectKind}:${subjectId}:`;
}

/** Deletes cached personal data outside PostgreSQL. */
export interface PersonalKeyStore {
  /** Deletes every key starting with `prefix`; returns how many were deleted. */
  deleteKeysWithPrefix(prefix: string): Promise<number>;
  close(): Promise<void>;
}

/** The store for a server without Redis: nothing is cached outside PostgreSQL, so nothing to delete. */
export const noPersonalKeys: PersonalKeyStore = {
  deleteKeysWithPrefix: async () => 0,
  close: async () => {},
};

const SCAN_BATCH = 500;

/**
 * Finds keys with SCAN, which does not block Redis the way KEYS does, and removes them with
 * UNLINK. NOTE: on a Redis Cluster SCAN covers one node only; Parley uses a single Redis.
 */
export async function createRedisPersonalKeyStore(redisUrl: string, log: Logger): Promise<PersonalKeyStore> {
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
  client.on('error', (error: Error) => log.error({ err: error, role: 'personal-keys' }, 'redis connection error'));
  await client.connect();

  return {
    async deleteKeysWithPrefix(prefix) {
      let cursor = '0';
      let deleted = 0;
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', SCAN_BATCH);
        cursor = next;
        if (keys.length > 0) deleted += await client.unlink(...keys);
      } while (cursor !== '0');
      return deleted;
    },
    async close() {
      await client.quit().catch(() => undefined);
    },
  };
}
