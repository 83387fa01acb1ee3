import { COMMENT_CAPABILITIES, type ChannelTarget, type CommentCapability } from '../channels/outbound.js';
import type { ChannelSecretsService } from './channel-secrets.service.js';
import type { Tx } from '../db/database.js';
import { findChannel } from '../db/queries/channels.js';
import { findConversation, type ConversationRow } from '../db/queries/conversations.js';
import { findMessageForUpdate, type MessageRow } from '../db/queries/messages.js';
import { badInput, notFound } from '../errors/app-error.js';

/** A visitor's comment an agent acts on, with what a provider call for it needs. */
export interface CommentTarget {
  comment: MessageRow & { providerMessageId: string };
  conversation: ConversationRow;
  channel: ChannelTarget & { id: string };
}

const ACTION_NAMES: Record<CommentCapability, string> = {
  set_hidden: 'hidden or unhidden',
  like: 'liked',
  private_reply: 'answered with a private reply',
};

/**
 * Loads a message for a comment action, locking its row until the transaction ends, and checks
 * that it is a visitor's comment on a channel whose API supports the action.
 */
export async function loadCommentTarget(
  tx: Tx,
  messageId: string,
  capability: CommentCapability,
  access: { channelSecrets: ChannelSecretsService; tenantId: string; agentId: string },
): Promise<CommentTarget> {
  const comment = await findMessageForUpdate(tx, messageId);
  if (!comment) throw notFound('Message', messageId);
  const conversation = await findConversation(tx, comment.conversationId);
  if (!conversation) throw notFound('Conversation', comment.conversationId);
  const channel = await findChannel(tx, comment.channelId);
  if (!channel) throw notFound('Channel', comment.channelId);

  const providerMessageId = comment.providerMessageId;
  if (conversation.kind !== 'comment_thread' || comment.direction !== 'inbound' || !providerMessageId) {
    throw badInput(`Only a visitor's comment on a post can be ${ACTION_NAMES[capability]}; this message is not one.`);
  }
  if (comment.deletedAt) {
    throw badInput(`The comment was deleted on ${channel.kind}, so it can no longer be ${ACTION_NAMES[capability]}.`);
  }
  if (!COMMENT_CAPABILITIES[channel.kind].has(capability)) {
    throw badInput(`Comments on ${channel.kind} channels cannot be ${ACTION_NAMES[capability]} through Meta's API.`, {
      channelKind: channel.kind,
    });
  }

  const secrets = await access.channelSecrets.readForUse(tx, {
    tenantId: access.tenantId,
    channelId: channel.id,
    actorKind: 'agent',
    actorId: access.agentId,
    purpose: capability === 'private_reply' ? 'send_private_reply' : 'act_on_comment',
  });
  return {
    comment: { ...comment, providerMessageId },
    conversation,
    channel: { id: channel.id, kind: channel.kind, externalId: channel.externalId, accessToken: secrets.accessToken },
  };
}
