import type { ChannelSender } from '../channels/outbound.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/database.js';
import type { EventBus } from '../events/event-bus.js';
import type { Logger } from '../logger.js';
import type { MediaStorage } from '../storage/media-storage.js';

/** What services need from the outside world; built once at start and passed explicitly. */
export interface ServiceDependencies {
  config: Config;
  db: Database;
  bus: EventBus;
  log: Logger;
  sender: ChannelSender;
  storage: MediaStorage;
}
