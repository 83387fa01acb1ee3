import type { ChannelKind } from './normalized-event.js';
import type { ChannelSender, ProviderFailure } from './outbound.js';

const unsupported = (kind: ChannelKind): ProviderFailure => ({
  ok: false,
  errorCode: 'UNSUPPORTED_CHANNEL',
  errorMessage: `Parley cannot send on ${kind} channels yet.`,
});

/** Routes each outbound message and comment action to the sender for its channel kind. */
export function createChannelSender(senders: Partial<Record<ChannelKind, ChannelSender>>): ChannelSender {
  return {
    send(message) {
      const sender = senders[message.channel.kind];
      return sender ? sender.send(message) : Promise.resolve(unsupported(message.channel.kind));
    },
    actOnComment(request) {
      const sender = senders[request.channel.kind];
      return sender ? sender.actOnComment(request) : Promise.resolve(unsupported(request.channel.kind));
    },
  };
}
