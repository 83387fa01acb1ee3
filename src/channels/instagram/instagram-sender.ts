import type { ChannelSender, CommentActionRequest, CommentActionResult, OutboundMessage, SendResult } from '../outbound.js';
import { postToGraphApi, type GraphApiClientOptions } from '../meta/graph-api-client.js';
import {
  createdNodeSchema,
  noAccessToken,
  sendApiResponseSchema,
  successSchema,
  toActionResult,
  toSendResult,
} from '../meta/graph-results.js';

// NOTE: /{account-id}/messages belongs to the Instagram API with Instagram Login, whose documented
// host is graph.instagram.com. Parley calls it on GRAPH_API_URL, the host the Facebook channels use.
// TODO(instagram): a Graph API base URL per channel kind, so both hosts can be served at once.

/**
 * Sends Instagram direct messages and private replies through /{account-id}/messages, replies
 * to comments through /{comment-id}/replies, and hides or unhides comments.
 */
export function createInstagramSender(options: GraphApiClientOptions): ChannelSender {
  return {
    async send(message: OutboundMessage): Promise<SendResult> {
      const token = message.channel.accessToken;
      if (!token) return noAccessToken();

      if (message.replyToProviderMessageId && !message.privateReplyToCommentId) {
        // Instagram files a reply to a reply under the top-level comment itself.
        const result = await postToGraphApi(
          options,
          `${encodeURIComponent(message.replyToProviderMessageId)}/replies`,
          token,
          { message: message.text },
          createdNodeSchema,
        );
        return toSendResult(result, (body) => body.id);
      }

      const recipient = message.privateReplyToCommentId
        ? { comment_id: message.privateReplyToCommentId }
        : { id: message.recipientExternalId };
      const result = await postToGraphApi(
        options,
        `${encodeURIComponent(message.channel.externalId)}/messages`,
        token,
        { recipient, message: { text: message.text } },
        sendApiResponseSchema,
      );
      return toSendResult(result, (body) => body.message_id);
    },

    async actOnComment(request: CommentActionRequest): Promise<CommentActionResult> {
      const token = request.channel.accessToken;
      if (!token) return noAccessToken();
      if (request.action.type !== 'set_hidden') {
        return { ok: false, errorCode: 'UNSUPPORTED_ACTION', errorMessage: 'Instagram comments can only be hidden or unhidden.' };
      }
      const result = await postToGraphApi(
        options,
        encodeURIComponent(request.commentId),
        token,
        { hide: request.action.hidden },
        successSchema,
      );
      return toActionResult(result);
    },
  };
}
