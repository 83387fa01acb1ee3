import { createAgentRoleService } from './agent-role.service.js';
import { createAuditLogService } from './audit-log.service.js';
import { createAuthService } from './auth.service.js';
import { createChannelSecretsService } from './channel-secrets.service.js';
import { createCommentActionsService } from './comment-actions.service.js';
import { createConversationsService } from './conversations.service.js';
import { createDataSubjectService } from './data-subject/data-subject.service.js';
import type { ServiceDependencies } from './dependencies.js';
import { createDirectoryService } from './directory.service.js';
import { createOperatorTenantsService } from './operator-tenants.service.js';
import { createPrivacyPolicyService } from './privacy-policy.service.js';
import { createMetaDataDeletionService } from './meta-data-deletion.service.js';
import { createRetentionService } from './retention.service.js';
import { createMediaService } from './media.service.js';
import { createSendMessageService } from './send-message.service.js';
import { createSendTemplateService } from './send-template.service.js';
import { createSendPrivateReplyService } from './send-private-reply.service.js';
import { createTenantAdminService } from './tenant-admin.service.js';
import { createWhatsAppTemplatesService } from './whatsapp-templates.service.js';

export function createServices(deps: ServiceDependencies) {
  const tenantAdmin = createTenantAdminService(deps);
  const channelSecrets = createChannelSecretsService(deps);
  return {
    auth: createAuthService(deps),
    agentRoles: createAgentRoleService(deps),
    auditLog: createAuditLogService(deps),
    channelSecrets,
    commentActions: createCommentActionsService(deps, channelSecrets),
    conversations: createConversationsService(deps, channelSecrets),
    directory: createDirectoryService(deps),
    media: createMediaService(deps),
    operatorTenants: createOperatorTenantsService(deps, tenantAdmin),
    privacyPolicies: createPrivacyPolicyService(deps),
    sendMessage: createSendMessageService(deps, channelSecrets),
    sendPrivateReply: createSendPrivateReplyService(deps, channelSecrets),
    sendTemplate: createSendTemplateService(deps, channelSecrets),
    listWhatsAppTemplates: createWhatsAppTemplatesService(deps, channelSecrets),
    tenantAdmin,
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
