import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { assertValidStorageKey, type MediaStorage } from './media-storage.js';

const isMissingFile = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

/**
 * Keeps files in a folder on this machine, one subfolder per tenant. Only one server instance can
 * use it, unless every instance mounts the same folder.
 */
export function createLocalMediaStorage(folder: string): MediaStorage {
  const root = path.resolve(folder);

  /** Maps a key to its file. The key pattern already excludes "..", and the prefix check guards it twice. */
  function fileFor(key: string): string {
    const file = path.resolve(root, assertValidStorageKey(key));
    if (!file.startsWith(`${root}${path.sep}`)) throw new Error('media storage key resolves outside the storage folder');
    return file;
  }

  return {
    kind: 'local',

    async put(key, body) {
      const file = fileFor(key);
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      // Written under a temporary name and renamed, so a crash leaves no partial file under the key.
      const temporary = `${file}.${randomUUID()}.partial`;
      const handle = await open(temporary, 'wx', 0o600);
      try {
        await handle.writeFile(body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },

    async get(key) {
      const file = fileFor(key);
      try {
        const { size } = await stat(file);
        return { body: createReadStream(file), byteSize: size };
      } catch (error) {
        if (isMissingFile(error)) return undefined;
        throw error;
      }
    },

    async delete(key) {
      try {
        await unlink(fileFor(key));
      } catch (error) {
        if (!isMissingFile(error)) throw error;
      }
    },

    close() {},
  };
}
