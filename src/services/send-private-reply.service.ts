import type { Viewer } from '../auth/viewer.js';
import { MAX_TEXT_LENGTH, type OutboundMessage } from '../channels/outbound.js';
import type { Tx } from '../db/database.js';
import { findContactExternalId } from '../db/queries/contacts.js';
import { appendConversationEvents } from '../db/queries/conversation-events.js';
import { recordActivity, updateConversation } from '../db/queries/conversations.js';
import { findMessage, insertMessageOnce, ParleyMetadataKey, updateMessage, type MessageRow } from '../db/queries/messages.js';
import { AppError, badInput, ErrorCode, notFound } from '../errors/app-error.js';
import { conversationPublication, messagePublication } from '../events/publications.js';
import { publishAll } from '../events/publish.js';
import { requireAgent } from './authorization.js';
import { loadCommentTarget, type CommentTarget } from './comment-target.js';
import { createSendAndRecord } from './outbound-delivery.js';
import type { ChannelSecretsService } from './channel-secrets.service.js';
import type { ServiceDependencies } from './dependencies.js';

/**
 * Rejects a second private reply to one comment, which Meta allows once. A reply that ended
 * FAILED does not count, so the agent can try again. If a timed-out attempt did reach the
 * commenter, Meta itself rejects the retry, and the retry ends FAILED with Meta's code.
 */
async function ensureNoPrivateReply(tx: Tx, target: CommentTarget): Promise<void> {
  const previousId = (target.comment.metadata as Record<string, unknown>)[ParleyMetadataKey.privateReplyMessageId];
  if (typeof previousId !== 'string') return;
  const previous = await findMessage(tx, previousId);
  if (!previous || previous.status === 'failed') return;
  throw new AppError(
    ErrorCode.PrivateReplyAlreadySent,
    `Comment ${target.comment.providerMessageId} already has a private reply, and Meta allows one per comment. ` +
      "Continue in the commenter's inbox conversation once they answer.",
    { commentId: target.comment.providerMessageId },
  );
}

/**
 * Sends one private message to a comment's author, in their Messenger or Instagram inbox. The
 * reply is stored in the comment's conversation (metadata.privateReplyToCommentId) and recorded
 * on the comment, both before Meta is called, so a second attempt is rejected even while the
 * first is under way. Delivery then goes as for sendMessage: a provider failure ends FAILED.
 */
export function createSendPrivateReplyService(deps: ServiceDependencies, channelSecrets: ChannelSecretsService) {
  const sendAndRecord = createSendAndRecord(deps);

  return async function sendPrivateReply(viewer: Viewer, commentMessageId: string, rawText: string): Promise<MessageRow> {
    const agent = requireAgent(viewer);
    const text = rawText.trim();
    if (text.length === 0) throw badInput('The private reply text is empty.');

    const prepared = await deps.db.withTenant(agent.tenantId, async (tx) => {
      const target = await loadCommentTarget(tx, commentMessageId, 'private_reply', {
        channelSecrets,
        tenantId: agent.tenantId,
        agentId: agent.agentId,
      });
      const { comment, conversation, channel } = target;
      // A Page's private reply is a Messenger message, with Messenger's limit.
      const maxLength = MAX_TEXT_LENGTH[channel.kind === 'facebook_page' ? 'messenger' : channel.kind];
      if (text.length > maxLength) {
        throw badInput(`The private reply is ${text.length} characters, but at most ${maxLength} are allowed.`, {
          length: text.length,
          maxLength,
        });
      }
      await ensureNoPrivateReply(tx, target);

      const authorContactId = (comment.metadata as Record<string, unknown>)[ParleyMetadataKey.authorContactId];
      const recipientContactId = typeof authorContactId === 'string' ? authorContactId : conversation.contactId;
      const recipientExternalId = await findContactExternalId(tx, recipientContactId, channel.id);
      if (!recipientExternalId) throw notFound('Contact identity on channel', channel.id);

      const reply = await insertMessageOnce(tx, {
        tenantId: agent.tenantId,
        conversationId: conversation.id,
        channelId: channel.id,
        direction: 'outbound',
        authorKind: 'agent',
        authorAgentId: agent.agentId,
        text,
        metadata: { privateReplyToCommentId: comment.providerMessageId },
        status: 'pending',
      });
      if (!reply) throw new Error('insert of a private reply returned no row');
      const recordedComment = await updateMessage(tx, comment.id, {
        metadata: { ...(comment.metadata as object), [ParleyMetadataKey.privateReplyMessageId]: reply.id },
      });
      if (!recordedComment) throw notFound('Message', comment.id);
      await recordActivity(tx, conversation.id, reply.createdAt, reply.id);
      await updateConversation(tx, conversation.id, { agentLastReadAt: reply.createdAt });
      await appendConversationEvents(tx, [
        {
          tenantId: agent.tenantId,
          conversationId: conversation.id,
          kind: 'message_sent',
          actorAgentId: agent.agentId,
          messageId: reply.id,
          data: { authorKind: 'agent', status: 'pending', privateReplyToMessageId: comment.id },
        },
      ]);

      const outbound: OutboundMessage = {
        channel,
        recipientExternalId,
        privateReplyToCommentId: comment.providerMessageId,
        text,
        parleyMessageId: reply.id,
      };
      return { reply, recordedComment, outbound };
    });

    await publishAll(
      deps.bus,
      [
        messagePublication(agent.tenantId, 'added', prepared.reply),
        messagePublication(agent.tenantId, 'updated', prepared.recordedComment),
        conversationPublication(agent.tenantId, prepared.reply.conversationId),
      ],
      deps.log,
    );

    return sendAndRecord(agent.tenantId, prepared.reply, prepared.outbound);
  };
}

export type SendPrivateReplyService = ReturnType<typeof createSendPrivateReplyService>;
