import type { Viewer } from '../auth/viewer.js';
import type { Attachment } from '../channels/normalized-event.js';
import {
  MAX_CAPTION_LENGTH,
  MAX_OUTBOUND_ATTACHMENTS,
  MAX_TEXT_LENGTH,
  type OutboundAttachment,
  type OutboundMessage,
} from '../channels/outbound.js';
import type { ChannelRow } from '../db/queries/channels.js';
import { findLatestInboundMessage, type MessageRow } from '../db/queries/messages.js';
import { badInput } from '../errors/app-error.js';
import { requireAgent } from './authorization.js';
import type { ChannelSecretsService } from './channel-secrets.service.js';
import type { ServiceDependencies } from './dependencies.js';
import { createOutboundDelivery, loadReplyTarget, outboundChannelOf, storeAgentMessage } from './outbound-delivery.js';
import { assertReplyWindowOpen } from './reply-window.js';

export interface SendMessageRequest {
  conversationId: string;
  text?: string | null | undefined;
  attachments?: OutboundAttachment[] | null | undefined;
}

// Parley's attachment types are the channel-neutral ones stored on messages.
const STORED_ATTACHMENT_TYPE: Record<OutboundAttachment['type'], Attachment['type']> = {
  image: 'image',
  audio: 'audio',
  video: 'video',
  document: 'file',
};

function checkAttachment(attachment: OutboundAttachment, index: number): OutboundAttachment {
  const field = `attachments[${index}]`;
  let url: URL;
  try {
    url = new URL(attachment.url);
  } catch {
    throw badInput(`${field}.url is not a URL; give the public http or https address of the file.`, { field: `${field}.url` });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw badInput(`${field}.url must start with https:// or http://; the provider downloads the file from it.`, { field: `${field}.url` });
  }
  const caption = attachment.caption?.trim() || undefined;
  if (caption && attachment.type === 'audio') {
    throw badInput(`${field} is audio, which takes no caption; send the text as a separate message.`, { field: `${field}.caption` });
  }
  if (caption && caption.length > MAX_CAPTION_LENGTH) {
    throw badInput(`${field}.caption is ${caption.length} characters; at most ${MAX_CAPTION_LENGTH} are allowed.`, {
      field: `${field}.caption`,
      length: caption.length,
      maxLength: MAX_CAPTION_LENGTH,
    });
  }
  return { type: attachment.type, url: url.toString(), ...(caption ? { caption } : {}) };
}

function checkFitsChannel(channel: ChannelRow, text: string, attachments: OutboundAttachment[]): void {
  const maxLength = MAX_TEXT_LENGTH[channel.kind];
  if (text.length > maxLength) {
    throw badInput(`The message is ${text.length} characters; ${channel.kind} allows at most ${maxLength}.`, {
      length: text.length,
      maxLength,
    });
  }
  const maxAttachments = MAX_OUTBOUND_ATTACHMENTS[channel.kind];
  if (attachments.length > maxAttachments) {
    throw badInput(
      maxAttachments === 0
        ? `Parley sends no attachments on ${channel.kind} channels yet; send the link as text.`
        : `A ${channel.kind} message carries at most ${maxAttachments} attachment; send the others as separate messages.`,
      { maxAttachments },
    );
  }
  if (attachments.length > 0 && text !== '') {
    throw badInput('A message with an attachment carries no separate text; put the text in the caption or send it as its own message.');
  }
}
import { handOffToHuman } from './hand-off.js';

/**
 * Sends an agent's reply: text, or an attachment the provider fetches by URL. Where the channel
 * has a reply window (WhatsApp), a closed window rejects the message before anything is stored.
 */
export function createSendMessageService(deps: ServiceDependencies, channelSecrets: ChannelSecretsService) {
  const deliver = createOutboundDelivery(deps);

  return async function sendMessage(viewer: Viewer, request: SendMessageRequest): Promise<MessageRow> {
    const agent = requireAgent(viewer);
    const text = (request.text ?? '').trim();
    const attachments = (request.attachments ?? []).map(checkAttachment);
    if (text === '' && attachments.length === 0) throw badInput('The message is empty; send text or an attachment.');
    if (text.includes('\u0000')) throw badInput('The message text contains a NUL character, which no channel can deliver.');

    const prepared = await deps.db.withTenant(agent.tenantId, async (tx) => {
      const target = await loadReplyTarget(tx, request.conversationId);
      const { conversation, channel } = target;
      checkFitsChannel(channel, text, attachments);
      assertReplyWindowOpen(channel.kind, conversation.lastInboundAt);

      const commentToAnswer =
        conversation.kind === 'comment_thread' ? await findLatestInboundMessage(tx, conversation.id) : undefined;
      const attachment = attachments[0];
      const message = await storeAgentMessage(tx, agent, target, {
        text: attachment ? (attachment.caption ?? null) : text,
        attachments: attachments.map((item) => ({ type: STORED_ATTACHMENT_TYPE[item.type], url: item.url })),
        metadata: {},
      });
      // An agent who writes in a bot's webchat conversation takes it over, so the bot stops replying.
      await handOffToHuman(tx, conversation, 'agent_replied', agent.agentId);

      const repliedComment = commentToAnswer
        ? String((commentToAnswer.metadata as { parentCommentId?: unknown }).parentCommentId ?? commentToAnswer.providerMessageId)
        : undefined;
      const secrets = await channelSecrets.readForUse(tx, {
        tenantId: agent.tenantId,
        channelId: channel.id,
        actorKind: 'agent',
        actorId: agent.agentId,
        purpose: 'send_message',
      });
      const outbound: OutboundMessage = {
        channel: outboundChannelOf(channel, secrets.accessToken),
        recipientExternalId: target.recipientExternalId,
        text,
        parleyMessageId: message.id,
        ...(attachments.length > 0 ? { attachments } : {}),
        ...(repliedComment ? { replyToProviderMessageId: repliedComment } : {}),
      };
      return { message, outbound };
    });

    return deliver(agent.tenantId, prepared.message, prepared.outbound);
  };
}

export type SendMessageService = ReturnType<typeof createSendMessageService>;
