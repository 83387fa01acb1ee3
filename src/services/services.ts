import { createAuthService } from './auth.service.js';
import { createConversationsService } from './conversations.service.js';
import type { ServiceDependencies } from './dependencies.js';
import { createDirectoryService } from './directory.service.js';
import { createMediaService } from './media.service.js';
import { createSendMessageService } from './send-message.service.js';
import { createTenantAdminService } from './tenant-admin.service.js';

export function createServices(deps: ServiceDependencies) {
  return {
    auth: createAuthService(deps),
    conversations: createConversationsService(deps),
    directory: createDirectoryService(deps),
    media: createMediaService(deps),
    sendMessage: createSendMessageService(deps),
    tenantAdmin: createTenantAdminService(deps.db),
  };
}

export type Services = ReturnType<typeof createServices>;
