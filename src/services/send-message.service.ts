import type { Viewer } from '../auth/viewer.js';
import { MAX_TEXT_LENGTH, type OutboundMessage } from '../channels/outbound.js';
import { findChannel } from '../db/queries/channels.js';
import { findContactExternalId } from '../db/queries/contacts.js';
import { appendConversationEvents } from '../db/queries/conversation-events.js';
import { findConversation, recordActivity, updateConversation } from '../db/queries/conversations.js';
import { findLatestInboundMessage, insertMessageOnce, type MessageRow } from '../db/queries/messages.js';
import { badInput, notFound } from '../errors/app-error.js';
import { conversationPublication, messagePublication } from '../events/publications.js';
import { publishAll } from '../events/publish.js';
import { requireAgent } from './authorization.js';
import { deliverMessage } from './deliver-message.js';
import type { ServiceDependencies } from './dependencies.js';

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

      const recipientExternalId = await findContactExternalId(tx, conversation.contactId, channel.id);
      if (!recipientExternalId) throw notFound('Contact identity on channel', channel.id);
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
        recipientExternalId,
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

    return deliverMessage(deps, agent.tenantId, prepared.message.id, prepared.outbound);
  };
}

export type SendMessageService = ReturnType<typeof createSendMessageService>;
