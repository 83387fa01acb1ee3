import { createAgentRoleService } from './agent-role.service.js';
import { createAuditLogService } from './audit-log.service.js';
import { createAuthService } from './auth.service.js';
import { createChannelSecretsService } from './channel-secrets.service.js';
import { createCommentActionsService } from './comment-actions.service.js';
import { DEFAULT_BOT_CLIENT_OPTIONS, type BotClientOptions } from '../channels/webchat/bot-client.js';
import { createBotHook } from './bot-hook.js';
import { createBotService } from './bot.service.js';
import { createConversationsService } from './conversations.service.js';
import { createDataSubjectService } from './data-subject/data-subject.service.js';
import type { ServiceDependencies } from './dependencies.js';
import { createDirectoryService } from './directory.service.js';
import { createOperatorTenantsService } from './operator-tenants.service.js';
import { createPrivacyPolicyService } from './privacy-policy.service.js';
import { createMetaDataDeletionService } from './meta-data-deletion.service.js';
import { createRetentionService } from './retention.service.js';
import { createMediaService } from './media.service.js';
import { createRateLimiter, type RateLimit } from './rate-limiter.js';
import { createSendMessageService } from './send-message.service.js';
import { createSendTemplateService } from './send-template.service.js';
import { createSendPrivateReplyService } from './send-private-reply.service.js';
import { createTenantAdminService } from './tenant-admin.service.js';
import { createWhatsAppTemplatesService } from './whatsapp-templates.service.js';
import { createTypingService } from './typing.service.js';
import { createVisitorService } from './visitor.service.js';
import { createWebchatSessionService } from './webchat-session.service.js';

export interface WebchatRateLimits {
  /** Messages per visitor conversation. */
  visitorMessages: RateLimit;
  /** setTyping calls per visitor conversation; the widget sends about one per 3 s of typing. */
  visitorTyping: RateLimit;
  /** New webchat sessions per client address; returning visitors are not counted. */
  newSessions: RateLimit;
}

export const DEFAULT_WEBCHAT_RATE_LIMITS: WebchatRateLimits = {
  visitorMessages: { max: 20, windowMs: 10_000 }, // 20 per 10 s
  visitorTyping: { max: 40, windowMs: 10_000 }, // 40 per 10 s
  newSessions: { max: 30, windowMs: 60_000 }, // 30 per minute
};

export interface ServiceOptions {
  botClient?: BotClientOptions;
  webchatRateLimits?: WebchatRateLimits;
}

export function createServices(deps: ServiceDependencies, options: ServiceOptions = {}) {
  const limits = options.webchatRateLimits ?? DEFAULT_WEBCHAT_RATE_LIMITS;
  const botHook = createBotHook({ db: deps.db, log: deps.log }, options.botClient ?? DEFAULT_BOT_CLIENT_OPTIONS);
  const bot = createBotService(deps, botHook);
  const tenantAdmin = createTenantAdminService(deps);
  const channelSecrets = createChannelSecretsService(deps);
  const privacyPolicies = createPrivacyPolicyService(deps);
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
    privacyPolicies,
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
    webchatSession: createWebchatSessionService(deps, createRateLimiter(limits.newSessions), privacyPolicies),
    visitor: createVisitorService(deps, createRateLimiter(limits.visitorMessages), bot),
    typing: createTypingService(deps, createRateLimiter(limits.visitorTyping)),
    bot,
    /** Background deliveries to webchat bots; the app closes it before the database. */
    botHook,
  };
}

export type Services = ReturnType<typeof createServices>;
