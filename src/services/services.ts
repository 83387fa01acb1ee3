import { createAuthService } from './auth.service.js';
import { createCommentActionsService } from './comment-actions.service.js';
import { createConversationsService } from './conversations.service.js';
import type { ServiceDependencies } from './dependencies.js';
import { createDirectoryService } from './directory.service.js';
import { createSendMessageService } from './send-message.service.js';
import { createSendPrivateReplyService } from './send-private-reply.service.js';
import { createTenantAdminService } from './tenant-admin.service.js';

export function createServices(deps: ServiceDependencies) {
  return {
    auth: createAuthService(deps),
    commentActions: createCommentActionsService(deps),
    conversations: createConversationsService(deps),
    directory: createDirectoryService(deps),
    sendMessage: createSendMessageService(deps),
    sendPrivateReply: createSendPrivateReplyService(deps),
    tenantAdmin: createTenantAdminService(deps.db),
  };
}

export type Services = ReturnType<typeof createServices>;
