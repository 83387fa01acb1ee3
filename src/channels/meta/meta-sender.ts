import type { ChannelSender, CommentActionRequest, CommentActionResult, OutboundMessage, SendResult } from '../outbound.js';
import { PARLEY_METADATA_PREFIX } from './common.js';
import { postToGraphApi, type GraphApiClientOptions } from './graph-api-client.js';
import {
  createdNodeSchema,
  noAccessToken,
  sendApiResponseSchema,
  successSchema,
  toActionResult,
  toSendResult,
} from './graph-results.js';

/**
 * Sends Messenger replies and Page private replies through the Send API, Page comment replies
 * through the comments edge, and hides, unhides or likes Page comments.
 */
export function createMetaSender(options: GraphApiClientOptions): ChannelSender {
  async function sendPageComment(message: OutboundMessage, token: string): Promise<SendResult> {
    if (!message.replyToProviderMessageId) {
      return { ok: false, errorCode: 'NO_COMMENT', errorMessage: 'The conversation has no comment to reply to.' };
    }
    const result = await postToGraphApi(
      options,
      `${encodeURIComponent(message.replyToProviderMessageId)}/comments`,
      token,
      { message: message.text },
      createdNodeSchema,
    );
    return toSendResult(result, (body) => body.id);
  }

  // TODO(comments): Meta echoes a private reply to the Page's Messenger webhook, so a connected
  // messenger channel stores a second copy of it there, authored by the PAGE.
  async function sendPrivateReply(message: OutboundMessage, commentId: string, token: string): Promise<SendResult> {
    const result = await postToGraphApi(
      options,
      `${encodeURIComponent(message.channel.externalId)}/messages`,
      token,
      { recipient: { comment_id: commentId }, message: { text: message.text } },
      sendApiResponseSchema,
    );
    return toSendResult(result, (body) => body.message_id);
  }

  return {
    async send(message: OutboundMessage): Promise<SendResult> {
      const token = message.channel.accessToken;
      if (!token) return noAccessToken();
      if (message.privateReplyToCommentId) return sendPrivateReply(message, message.privateReplyToCommentId, token);
      if (message.channel.kind === 'facebook_page') return sendPageComment(message, token);

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

    async actOnComment(request: CommentActionRequest): Promise<CommentActionResult> {
      const token = request.channel.accessToken;
      if (!token) return noAccessToken();
      const comment = encodeURIComponent(request.commentId);
      const result =
        request.action.type === 'like'
          ? await postToGraphApi(options, `${comment}/likes`, token, {}, successSchema)
          : await postToGraphApi(options, comment, token, { is_hidden: request.action.hidden }, successSchema);
      return toActionResult(result);
    },
  };
}
