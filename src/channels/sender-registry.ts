import type { ChannelKind } from './normalized-event.js';
import type { ChannelSender, ProviderFailure } from './outbound.js';

const unsupported = (kind: ChannelKind, what: string): ProviderFailure => ({
  ok: false,
  errorCode: 'UNSUPPORTED_CHANNEL',
  errorMessage: `Parley cannot ${what} on ${kind} channels yet.`,
});

/** Routes each outbound message, read receipt and comment action to the sender for its channel kind. */
export function createChannelSender(senders: Partial<Record<ChannelKind, ChannelSender>>): ChannelSender {
  return {
    send(message) {
      const sender = senders[message.channel.kind];
      return sender ? sender.send(message) : Promise.resolve(unsupported(message.channel.kind, 'send'));
    },
    markRead(receipt) {
      const sender = senders[receipt.channel.kind];
      return sender?.markRead ? sender.markRead(receipt) : Promise.resolve(unsupported(receipt.channel.kind, 'send read receipts'));
    },
    actOnComment(request) {
      const sender = senders[request.channel.kind];
      return sender?.actOnComment
        ? sender.actOnComment(request)
        : Promise.resolve(unsupported(request.channel.kind, 'act on comments'));
    },
  };
}
