import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the embedded database folder for this process. PGlite is a single-process database:
 * a second process opening the same folder (the CLI while `npm start` runs) loses writes or
 * corrupts it. A lock file holding the owner's pid makes the second process stop with a clear
 * message instead; a lock left by a process that no longer runs is taken over.
 * Returns a function that releases the lock.
 */
export function acquireDataDirLock(folder: string): () => void {
  const lockFile = path.join(folder, 'parley.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const descriptor = openSync(lockFile, 'wx');
      writeSync(descriptor, String(process.pid));
      closeSync(descriptor);
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(lockFile, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isRunning(owner)) {
        throw new DataDirInUseError(
          `The embedded database in ${folder} is in use by process ${owner} (a running "npm start"?). ` +
            'Stop that process first, or set DATABASE_URL to use PostgreSQL, which allows several processes.',
        );
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new DataDirInUseError(`Could not lock the embedded database in ${folder}; try again.`);
}
