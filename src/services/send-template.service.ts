import type { Viewer } from '../auth/viewer.js';
import type { OutboundTemplate } from '../channels/outbound.js';
import type { MessageRow } from '../db/queries/messages.js';
import { badInput } from '../errors/app-error.js';
import { requireAgent } from './authorization.js';
import type { ServiceDependencies } from './dependencies.js';
import type { ChannelSecretsService } from './channel-secrets.service.js';
import { createOutboundDelivery, loadReplyTarget, outboundChannelOf, storeAgentMessage } from './outbound-delivery.js';

export interface SendTemplateRequest extends OutboundTemplate {
  conversationId: string;
}

// Meta's rules for template names and language codes, such as "order_update" and "en_US".
const TEMPLATE_NAME = /^[a-z0-9_]{1,512}$/;
const LANGUAGE_CODE = /^[a-z]{2,3}(?:_[A-Za-z0-9]{2,4})?$/;

function checkTemplate(request: SendTemplateRequest): OutboundTemplate {
  const name = request.name.trim();
  if (!TEMPLATE_NAME.test(name)) {
    throw badInput(`Template name "${name}" is invalid; use the approved template's name: lowercase letters, digits and underscores.`, {
      field: 'name',
    });
  }
  const languageCode = request.languageCode.trim();
  if (!LANGUAGE_CODE.test(languageCode)) {
    throw badInput(`Language code "${languageCode}" is invalid; use the template's code, such as "en" or "en_US".`, {
      field: 'languageCode',
    });
  }
  request.components.forEach((component, index) => {
    if (typeof component.type !== 'string') {
      throw badInput(`components[${index}] has no "type"; each component is an object such as { "type": "body", "parameters": [...] }.`, {
        field: `components[${index}]`,
      });
    }
  });
  return { name, languageCode, components: request.components };
}

/**
 * Sends an approved message template. Templates may start or reopen a WhatsApp conversation, so
 * they are allowed after the reply window closed.
 */
export function createSendTemplateService(deps: ServiceDependencies, channelSecrets: ChannelSecretsService) {
  const deliver = createOutboundDelivery(deps);

  return async function sendTemplate(viewer: Viewer, request: SendTemplateRequest): Promise<MessageRow> {
    const agent = requireAgent(viewer);
    const template = checkTemplate(request);

    const prepared = await deps.db.withTenant(agent.tenantId, async (tx) => {
      const target = await loadReplyTarget(tx, request.conversationId);
      if (target.channel.kind !== 'whatsapp') {
        throw badInput(`Templates are sent on WhatsApp channels only; this conversation is on ${target.channel.kind}.`);
      }
      const message = await storeAgentMessage(tx, agent, target, {
        text: null,
        attachments: [{ type: 'template', title: template.name }],
        metadata: { template },
      });
      const secrets = await channelSecrets.readForUse(tx, {
        tenantId: agent.tenantId,
        channelId: target.channel.id,
        actorKind: 'agent',
        actorId: agent.agentId,
        purpose: 'send_template',
      });
      return {
        message,
        outbound: {
          channel: outboundChannelOf(target.channel, secrets.accessToken),
          recipientExternalId: target.recipientExternalId,
          text: '',
          template,
          parleyMessageId: message.id,
        },
      };
    });

    return deliver(agent.tenantId, prepared.message, prepared.outbound);
  };
}
