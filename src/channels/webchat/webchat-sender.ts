import type { ChannelSender, OutboundMessage, SendResult } from '../outbound.js';

/**
 * Delivers agent replies on webchat channels. There is no provider to call: the visitor's widget
 * receives the reply through its messageAdded subscription, so sending succeeds at once and the
 * reply ends SENT. Parley's own message id doubles as the provider id.
 */
export function createWebchatSender(): ChannelSender {
  return {
    async send(message: OutboundMessage): Promise<SendResult> {
      return { ok: true, providerMessageId: `parley:${message.parleyMessageId}`, sentAt: new Date() };
    },
  };
}
