import type { Viewer } from '../auth/viewer.js';
import type { MessageTemplate } from '../channels/outbound.js';
import { findChannel } from '../db/queries/channels.js';
import { AppError, badInput, ErrorCode, notFound } from '../errors/app-error.js';
import { requireAgent } from './authorization.js';
import type { ChannelSecretsService } from './channel-secrets.service.js';
import type { ServiceDependencies } from './dependencies.js';

/** Reads the WhatsApp Business account id from a whatsapp channel's settings. */
export function businessAccountIdOf(settings: unknown): string | undefined {
  const value = (settings as { businessAccountId?: unknown } | null)?.businessAccountId;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Lists the message templates of a WhatsApp channel's business account, as Meta returns them. */
export function createWhatsAppTemplatesService(deps: ServiceDependencies, channelSecrets: ChannelSecretsService) {
  return async function listWhatsAppTemplates(viewer: Viewer, channelId: string): Promise<MessageTemplate[]> {
    const agent = requireAgent(viewer);
    const found = await deps.db.withTenant(agent.tenantId, async (tx) => {
      const row = await findChannel(tx, channelId);
      if (!row || row.kind !== 'whatsapp') return { channel: row, accessToken: null };
      const secrets = await channelSecrets.readForUse(tx, {
        tenantId: agent.tenantId,
        channelId,
        actorKind: 'agent',
        actorId: agent.agentId,
        purpose: 'list_templates',
      });
      return { channel: row, accessToken: secrets.accessToken };
    });
    const channel = found.channel;
    if (!channel) throw notFound('Channel', channelId);
    if (channel.kind !== 'whatsapp') {
      throw badInput(`Channel ${channelId} is a ${channel.kind} channel; templates exist for WhatsApp channels only.`);
    }
    const businessAccountId = businessAccountIdOf(channel.settings);
    if (!businessAccountId) {
      throw badInput(
        `Channel ${channelId} has no WhatsApp Business account id; connect it again with "channel create --business-account-id".`,
      );
    }

    const result = await deps.templates.listTemplates({ accountId: businessAccountId, accessToken: found.accessToken });
    if (!result.ok) {
      deps.log.warn({ channelId, errorCode: result.errorCode }, 'provider did not list message templates');
      throw new AppError(ErrorCode.ProviderError, `Meta did not list the templates: ${result.errorMessage}`, {
        providerCode: result.errorCode,
      });
    }
    return result.templates;
  };
}
