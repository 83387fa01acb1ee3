import { z } from 'zod';
import type { ChannelSender, OutboundMessage, SendResult } from '../outbound.js';
import { PARLEY_METADATA_PREFIX } from './common.js';
import { postToGraphApi, type GraphApiClientOptions, type GraphApiResult } from './graph-api-client.js';

const sendApiResponseSchema = z.object({ recipient_id: z.string().optional(), message_id: z.string() });
const commentResponseSchema = z.object({ id: z.string() });

function toSendResult<T>(result: GraphApiResult<T>, providerMessageIdOf: (body: T) => string): SendResult {
  if (!result.ok) {
    return {
      ok: false,
      errorCode: result.errorCode,
      errorMessage: result.errorMessage,
      ...(result.errorSubcode !== undefined ? { errorSubcode: result.errorSubcode } : {}),
    };
  }
  return { ok: true, providerMessageId: providerMessageIdOf(result.body), sentAt: new Date() };
}

/** Sends Messenger replies through the Send API and Page comment replies through the comments edge. */
export function createMetaSender(options: GraphApiClientOptions): ChannelSender {
  return {
    async send(message: OutboundMessage): Promise<SendResult> {
      const token = message.channel.accessToken;
      if (!token) {
        return { ok: false, errorCode: 'NO_ACCESS_TOKEN', errorMessage: 'The channel has no access token; reconnect it.' };
      }

      if (message.channel.kind === 'facebook_page') {
        if (!message.replyToProviderMessageId) {
          return { ok: false, errorCode: 'NO_COMMENT', errorMessage: 'The conversation has no comment to reply to.' };
        }
        const result = await postToGraphApi(
          options,
          `${encodeURIComponent(message.replyToProviderMessageId)}/comments`,
          token,
          { message: message.text },
          commentResponseSchema,
        );
        return toSendResult(result, (body) => body.id);
      }

      const result = await postToGraphApi(
        options,
        `${encodeURIComponent(message.channel.externalId)}/messages`,
        token,
        {
          recipient: { id: message.recipientExternalId },
          // RESPONSE is only valid within 24 hours of the visitor's last message; Meta rejects it later.
          messaging_type: 'RESPONSE',
          message: { text: message.text, metadata: `${PARLEY_METADATA_PREFIX}${message.parleyMessageId}` },
        },
        sendApiResponseSchema,
      );
      return toSendResult(result, (body) => body.message_id);
    },
  };
}
