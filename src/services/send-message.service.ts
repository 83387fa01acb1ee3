import type { Viewer } from '../auth/viewer.js';
import { MAX_TEXT_LENGTH, type OutboundMessage, type SendResult } from '../channels/outbound.js';
import { findChannel } from '../db/queries/channels.js';
import { appendConversationEvents } from '../db/queries/conversation-events.js';
import { findConversation, recordActivity, updateConversation } from '../db/queries/conversations.js';
import {
  deleteStrayCopy,
  findLatestInboundMessage,
  findMessage,
  insertMessageOnce,
  updateMessage,
  type MessageRow,
} from '../db/queries/messages.js';
import { contactIdentities } from '../db/schema.js';
import { badInput, notFound } from '../errors/app-error.js';
import { conversationPublication, messagePublication } from '../events/publications.js';
import { publishAll } from '../events/publish.js';
import { and, eq } from 'drizzle-orm';
import { requireAgent } from './authorization.js';
import type { ServiceDependencies } from './dependencies.js';
import { handOffToHuman } from './hand-off.js';

/**
 * Sends an agent's reply: stores it as pending and commits, calls the provider, then records the
 * outcome. A provider failure is stored on the message (status FAILED with Meta's code and
 * message) and returned, never thrown, so the agent sees it on the message itself.
 */
export function createSendMessageService(deps: ServiceDependencies) {
  return async function sendMessage(viewer: Viewer, conversationId: string, rawText: string): Promise<MessageRow> {
    const agent = requireAgent(viewer);
    const text = rawText.trim();
    if (text.length === 0) throw badInput('The message text is empty.');

    const prepared = await deps.db.withTenant(agent.tenantId, async (tx) => {
      const conversation = await findConversation(tx, conversationId);
      if (!conversation) throw notFound('Conversation', conversationId);
      const channel = await findChannel(tx, conversation.channelId);
      if (!channel) throw notFound('Channel', conversation.channelId);

      const maxLength = MAX_TEXT_LENGTH[channel.kind];
      if (text.length > maxLength) {
        throw badInput(`The message is ${text.length} characters; ${channel.kind} allows at most ${maxLength}.`, {
          length: text.length,
          maxLength,
        });
      }

      const [identity] = await tx
        .select({ externalId: contactIdentities.externalId })
        .from(contactIdentities)
        .where(and(eq(contactIdentities.contactId, conversation.contactId), eq(contactIdentities.channelId, channel.id)));
      if (!identity) throw notFound('Contact identity on channel', channel.id);
      const commentToAnswer =
        conversation.kind === 'comment_thread' ? await findLatestInboundMessage(tx, conversation.id) : undefined;

      const message = await insertMessageOnce(tx, {
        tenantId: agent.tenantId,
        conversationId: conversation.id,
        channelId: channel.id,
        direction: 'outbound',
        authorKind: 'agent',
        authorAgentId: agent.agentId,
        text,
        status: 'pending',
      });
      if (!message) throw new Error('insert of an outbound message returned no row');
      await recordActivity(tx, conversation.id, message.createdAt, message.id);
      // Replying implies the agent has read the conversation so far.
      await updateConversation(tx, conversation.id, { agentLastReadAt: message.createdAt });
      // An agent who writes in a bot's webchat conversation takes it over, so the bot stops replying.
      await handOffToHuman(tx, conversation, 'agent_replied', agent.agentId);
      await appendConversationEvents(tx, [
        {
          tenantId: agent.tenantId,
          conversationId: conversation.id,
          kind: 'message_sent',
          actorAgentId: agent.agentId,
          messageId: message.id,
          data: { authorKind: 'agent', status: 'pending' },
        },
      ]);

      const repliedComment = commentToAnswer
        ? String((commentToAnswer.metadata as { parentCommentId?: unknown }).parentCommentId ?? commentToAnswer.providerMessageId)
        : undefined;
      const outbound: OutboundMessage = {
        channel: { kind: channel.kind, externalId: channel.externalId, accessToken: channel.accessToken },
        recipientExternalId: identity.externalId,
        text,
        parleyMessageId: message.id,
        ...(repliedComment ? { replyToProviderMessageId: repliedComment } : {}),
      };
      return { message, outbound };
    });

    await publishAll(
      deps.bus,
      [
        messagePublication(agent.tenantId, 'added', prepared.message),
        conversationPublication(agent.tenantId, conversationId),
      ],
      deps.log,
    );

    const result = await deps.sender.send(prepared.outbound);
    if (!result.ok) {
      deps.log.warn(
        { messageId: prepared.message.id, channelKind: prepared.outbound.channel.kind, errorCode: result.errorCode },
        'provider rejected an outbound message',
      );
    }
    const final = await recordSendResult(agent.tenantId, prepared.message.id, result);
    await publishAll(deps.bus, [messagePublication(agent.tenantId, 'updated', final)], deps.log);
    return final;
  };

  async function recordSendResult(tenantId: string, messageId: string, result: SendResult): Promise<MessageRow> {
    return deps.db.withTenant(tenantId, async (tx) => {
      const current = await findMessage(tx, messageId);
      if (!current) throw notFound('Message', messageId);
      // The provider's echo already recorded the id and maybe a later status: the message went
      // out, even if this call then failed or timed out.
      if (current.providerMessageId) return current;

      let updated: MessageRow | undefined;
      if (result.ok) {
        await deleteStrayCopy(tx, current.channelId, result.providerMessageId, current.id);
        updated = await updateMessage(tx, messageId, {
          status: current.status === 'pending' ? 'sent' : current.status,
          providerMessageId: result.providerMessageId,
          providerTimestamp: result.sentAt,
        });
      } else {
        updated = await updateMessage(tx, messageId, {
          status: 'failed',
          errorCode: result.errorCode,
          errorMessage: result.errorMessage,
          metadata: { ...(current.metadata as object), ...(result.errorSubcode !== undefined ? { errorSubcode: result.errorSubcode } : {}) },
        });
      }
      if (!updated) throw notFound('Message', messageId);
      await appendConversationEvents(tx, [
        {
          tenantId,
          conversationId: updated.conversationId,
          kind: 'message_status_changed',
          messageId,
          data: { status: updated.status, ...(result.ok ? {} : { errorCode: result.errorCode }) },
        },
      ]);
      return updated;
    });
  }
}

export type SendMessageService = ReturnType<typeof createSendMessageService>;
