import { loggableError } from '../errors/loggable-error.js';
import { isValidBotSignature } from '../channels/webchat/bot-signature.js';
import { parseBotRequest } from '../channels/webchat/bot-protocol.js';
import { readWebchatSettings } from '../channels/webchat/webchat-settings.js';
import { findChannel, findChannelSecrets, type ChannelRow } from '../db/queries/channels.js';
import { appendConversationEvents } from '../db/queries/conversation-events.js';
import { findConversation, recordActivity, type ConversationRow } from '../db/queries/conversations.js';
import { findMessageByProviderId, insertMessageOnce, type MessageRow } from '../db/queries/messages.js';
import { AppError, badInput, conflict, ErrorCode, notFound } from '../errors/app-error.js';
import { conversationPublication, messagePublication, type PendingPublication } from '../events/publications.js';
import { publishAll } from '../events/publish.js';
import { fromGlobalId, toGlobalId } from '../schema/global-id.js';
import type { BotHook } from './bot-hook.js';
import type { ServiceDependencies } from './dependencies.js';
import { handOffToHuman } from './hand-off.js';

export interface BotRequestResult {
  /** The stored reply, when the request had text. */
  message: MessageRow | undefined;
  handler: ConversationRow['handler'];
}

const INVALID_SIGNATURE =
  'Invalid or missing X-Parley-Signature; it must be "sha256=" and the hex HMAC-SHA256 of the body with the channel\'s bot secret.';

/** Creates the service for webchat bots: what Parley sends a bot, and the replies and hand-offs it sends back. */
export function createBotService(deps: ServiceDependencies, hook: BotHook) {
  async function readBotSecret(channel: ChannelRow): Promise<string | null> {
    const secrets = await deps.db.withTenant(channel.tenantId, (tx) => findChannelSecrets(tx, deps.keyring, channel.id));
    return secrets?.botSecret ?? null;
  }

  return {
    /** Queues a visitor's message for the channel's bot when the bot handles the conversation. */
    notifyVisitorMessage(channel: ChannelRow, conversation: ConversationRow, message: MessageRow, locale: string | null): void {
      if (conversation.handler !== 'bot') return;
      const { botUrl } = readWebchatSettings(channel.settings);
      if (!botUrl) return;
      // The bot secret is stored encrypted; it is read after the visitor's message has committed.
      readBotSecret(channel)
        .then((botSecret) => {
          if (!botSecret) return;
          enqueue(botSecret);
        })
        .catch((error: unknown) => {
          deps.log.error({ error: loggableError(error), channelId: channel.id }, 'reading the bot secret failed; the bot misses a message');
        });

      const enqueue = (botSecret: string) => hook.enqueue({
        tenantId: channel.tenantId,
        channelId: channel.id,
        conversationId: conversation.id,
        messageId: message.id,
        url: botUrl,
        botSecret,
        payload: {
          type: 'message',
          channelId: toGlobalId('Channel', channel.id),
          conversationId: toGlobalId('Conversation', conversation.id),
          messageId: toGlobalId('Message', message.id),
          text: message.text ?? '',
          locale,
          sentAt: message.createdAt.toISOString(),
        },
      });
    },

    /**
     * Handles a signed request from a bot: stores its reply as a BOT message and, with
     * "handoff": true, hands the conversation to the agents. Throws UNAUTHENTICATED for an
     * unknown channel or a bad signature alike, and CONFLICT once a human handles the conversation.
     */
    async receiveBotRequest(channelId: string, rawBody: Buffer, signature: string | undefined): Promise<BotRequestResult> {
      const channel = /^[0-9a-f-]{36}$/.test(channelId)
        ? await deps.db.withSystem((tx) => findChannel(tx, channelId))
        : undefined;
      const botSecret = channel && channel.kind === 'webchat' ? await readBotSecret(channel) : null;
      if (!channel || !botSecret || !isValidBotSignature(rawBody, signature, botSecret)) {
        throw new AppError(ErrorCode.Unauthenticated, INVALID_SIGNATURE);
      }

      let body: unknown;
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        throw badInput('The body is not valid JSON.');
      }
      const parsed = parseBotRequest(body);
      if (!parsed.ok) throw badInput(parsed.problem);
      const request = parsed.request;
      const conversationId = fromGlobalId('Conversation', request.conversationId, 'conversationId');

      const publications: PendingPublication[] = [];
      const result = await deps.db.withTenant(channel.tenantId, async (tx) => {
        const conversation = await findConversation(tx, conversationId);
        if (!conversation || conversation.channelId !== channel.id) throw notFound('Conversation', request.conversationId);
        if (conversation.handler !== 'bot') {
          throw conflict('A human handles this conversation now; the bot can no longer write in it.', { handler: 'HUMAN' });
        }

        let message: MessageRow | undefined;
        if (request.text !== undefined) {
          const providerMessageId = request.clientMessageId ? `bot:${request.clientMessageId}` : null;
          const inserted = await insertMessageOnce(tx, {
            tenantId: channel.tenantId,
            conversationId,
            channelId: channel.id,
            direction: 'outbound',
            authorKind: 'bot',
            text: request.text,
            status: 'sent',
            providerMessageId,
            providerTimestamp: new Date(),
          });
          // A retried request with the same clientMessageId gets the reply stored the first time.
          message = inserted ?? (providerMessageId ? await findMessageByProviderId(tx, channel.id, providerMessageId) : undefined);
          if (inserted) {
            await recordActivity(tx, conversationId, inserted.createdAt, inserted.id);
            await appendConversationEvents(tx, [
              {
                tenantId: channel.tenantId,
                conversationId,
                kind: 'message_sent',
                messageId: inserted.id,
                data: { authorKind: 'bot', status: 'sent' },
              },
            ]);
            publications.push(messagePublication(channel.tenantId, 'added', inserted));
          }
        }

        const handedOff = request.handoff ? await handOffToHuman(tx, conversation, 'bot_requested') : undefined;
        publications.push(conversationPublication(channel.tenantId, conversationId));
        return { message, handler: handedOff?.handler ?? conversation.handler };
      });

      await publishAll(deps.bus, publications, deps.log);
      deps.log.info(
        { tenantId: channel.tenantId, channelId: channel.id, conversationId, messageId: result.message?.id, handoff: request.handoff === true },
        'bot request stored',
      );
      return result;
    },
  };
}

export type BotService = ReturnType<typeof createBotService>;
