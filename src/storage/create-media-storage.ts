import type { MediaStorageConfig } from '../config/config.js';
import { createLocalMediaStorage } from './local-media-storage.js';
import type { MediaStorage } from './media-storage.js';
import { createS3MediaStorage } from './s3-media-storage.js';

export function createMediaStorage(config: MediaStorageConfig): MediaStorage {
  return config.kind === 's3' ? createS3MediaStorage(config) : createLocalMediaStorage(config.folder);
}
