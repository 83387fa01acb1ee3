import type { ChannelKind } from './normalized-event.js';
import type { ChannelSender, OutboundMessage, ReadReceipt, SendResult } from './outbound.js';

/** Routes each outbound message and read receipt to the sender for its channel kind. */
export function createChannelSender(senders: Partial<Record<ChannelKind, ChannelSender>>): ChannelSender {
  return {
    send(message: OutboundMessage): Promise<SendResult> {
      const sender = senders[message.channel.kind];
      if (!sender) {
        return Promise.resolve({
          ok: false,
          errorCode: 'UNSUPPORTED_CHANNEL',
          errorMessage: `Parley cannot send on ${message.channel.kind} channels yet.`,
        });
      }
      return sender.send(message);
    },

    markRead(receipt: ReadReceipt) {
      const sender = senders[receipt.channel.kind];
      if (!sender?.markRead) {
        return Promise.resolve({
          ok: false as const,
          errorCode: 'UNSUPPORTED_CHANNEL',
          errorMessage: `Parley sends no read receipts on ${receipt.channel.kind} channels.`,
        });
      }
      return sender.markRead(receipt);
    },
  };
}
