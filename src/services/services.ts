import { createAuthService } from './auth.service.js';
import { createConversationsService } from './conversations.service.js';
import { createDataSubjectService } from './data-subject/data-subject.service.js';
import type { ServiceDependencies } from './dependencies.js';
import { createDirectoryService } from './directory.service.js';
import { createMetaDataDeletionService } from './meta-data-deletion.service.js';
import { createRetentionService } from './retention.service.js';
import { createSendMessageService } from './send-message.service.js';
import { createTenantAdminService } from './tenant-admin.service.js';

export function createServices(deps: ServiceDependencies) {
  return {
    auth: createAuthService(deps),
    conversations: createConversationsService(deps),
    directory: createDirectoryService(deps),
    sendMessage: createSendMessageService(deps),
    tenantAdmin: createTenantAdminService(deps.db),
    dataSubjects: createDataSubjectService(deps),
    retention: createRetentionService(deps),
    metaDataDeletion: createMetaDataDeletionService({
      ...deps,
      appSecret: deps.config.metaAppSecret,
      publicUrl: deps.config.publicUrl,
    }),
  };
}

export type Services = ReturnType<typeof createServices>;
