import type { ChannelSender, TemplateCatalog } from '../channels/outbound.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../logger.js';
import type { Keyring } from '../secrets/keyring.js';
import type { AttachmentFileStore } from '../privacy/attachment-files.js';
import type { PersonalKeyStore } from '../privacy/personal-keys.js';
import type { MediaStorage } from '../storage/media-storage.js';

/** What services need from the outside world; built once at start and passed explicitly. */
export interface ServiceDependencies {
  config: Config;
  db: Database;
  bus: EventBus;
  log: Logger;
  sender: ChannelSender;
  /** Passed to the channel queries, which encrypt and decrypt channel secrets. */
  keyring: Keyring;
  templates: TemplateCatalog;
  /** Personal data kept in Redis, deleted on erasure. */
  personalKeys: PersonalKeyStore;
  /** Stored attachment files; undefined while no media store is configured. */
  attachmentFiles: AttachmentFileStore | undefined;
  storage: MediaStorage;
}

/** The part of the dependencies that privacy work (erasure, retention) needs. */
export type PrivacyDependencies = Pick<ServiceDependencies, 'db' | 'bus' | 'log' | 'personalKeys' | 'attachmentFiles'>;
