import { z } from 'zod';
import type { ChannelSender, OutboundMessage, ProviderFailure, ReadReceipt, SendResult } from '../outbound.js';
import { PARLEY_METADATA_PREFIX } from '../meta/common.js';
import { callGraphApi, type GraphApiClientOptions, type GraphApiFailure } from '../meta/graph-api-client.js';

// Sends through the WhatsApp Cloud API: POST /{phone number id}/messages with a bearer token.

const sendResponseSchema = z.object({ messages: z.array(z.object({ id: z.string().min(1) })).min(1) });
const markReadResponseSchema = z.object({ success: z.literal(true) });

const noToken: ProviderFailure = {
  ok: false,
  errorCode: 'NO_ACCESS_TOKEN',
  errorMessage: 'The channel has no access token; reconnect it.',
};

function toProviderFailure(result: GraphApiFailure): ProviderFailure {
  return {
    ok: false,
    errorCode: result.errorCode,
    errorMessage: result.errorMessage,
    ...(result.errorSubcode !== undefined ? { errorSubcode: result.errorSubcode } : {}),
  };
}

/** Builds the part of the request body with the content: a template, one media file, or text. */
function contentOf(message: OutboundMessage): Record<string, unknown> {
  if (message.template) {
    const { name, languageCode, components } = message.template;
    return {
      type: 'template',
      template: { name, language: { code: languageCode }, ...(components.length > 0 ? { components } : {}) },
    };
  }
  const attachment = message.attachments?.[0];
  if (attachment) {
    const media = { link: attachment.url, ...(attachment.caption ? { caption: attachment.caption } : {}) };
    return { type: attachment.type, [attachment.type]: media };
  }
  return { type: 'text', text: { body: message.text } };
}

export function createWhatsAppSender(options: GraphApiClientOptions): ChannelSender {
  return {
    async send(message: OutboundMessage): Promise<SendResult> {
      const token = message.channel.accessToken;
      if (!token) return noToken;
      const result = await callGraphApi(
        options,
        {
          method: 'POST',
          edgePath: `${encodeURIComponent(message.channel.externalId)}/messages`,
          accessToken: token,
          tokenIn: 'header',
          body: {
            messaging_product: 'whatsapp',
            recipient_type: 'individual',
            to: message.recipientExternalId,
            // Meta returns this in the message's status webhooks, which lets ingest match a status
            // to our message even when it arrives before this call returns.
            biz_opaque_callback_data: `${PARLEY_METADATA_PREFIX}${message.parleyMessageId}`,
            ...contentOf(message),
          },
        },
        sendResponseSchema,
      );
      if (!result.ok) return toProviderFailure(result);
      return { ok: true, providerMessageId: result.body.messages[0]!.id, sentAt: new Date() };
    },

    async markRead(receipt: ReadReceipt) {
      const token = receipt.channel.accessToken;
      if (!token) return noToken;
      const result = await callGraphApi(
        options,
        {
          method: 'POST',
          edgePath: `${encodeURIComponent(receipt.channel.externalId)}/messages`,
          accessToken: token,
          tokenIn: 'header',
          body: { messaging_product: 'whatsapp', status: 'read', message_id: receipt.providerMessageId },
        },
        markReadResponseSchema,
      );
      return result.ok ? { ok: true as const } : toProviderFailure(result);
    },
  };
}
