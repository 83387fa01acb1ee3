import type { OutboundMessage, SendResult } from '../channels/outbound.js';
import { appendConversationEvents } from '../db/queries/conversation-events.js';
import { deleteStrayCopy, findMessage, updateMessage, type MessageRow } from '../db/queries/messages.js';
import { notFound } from '../errors/app-error.js';
import { messagePublication } from '../events/publications.js';
import { publishAll } from '../events/publish.js';
import type { ServiceDependencies } from './dependencies.js';

/**
 * Sends a committed PENDING message through its channel, stores the outcome on it and publishes
 * the change. A provider failure is stored on the message (status FAILED with Meta's code and
 * message) and returned, never thrown, so the agent reads it on the message itself.
 */
export async function deliverMessage(
  deps: ServiceDependencies,
  tenantId: string,
  messageId: string,
  outbound: OutboundMessage,
): Promise<MessageRow> {
  const result = await deps.sender.send(outbound);
  if (!result.ok) {
    deps.log.warn(
      { messageId, channelKind: outbound.channel.kind, errorCode: result.errorCode },
      'provider rejected an outbound message',
    );
  }
  const final = await recordSendResult(deps, tenantId, messageId, result);
  await publishAll(deps.bus, [messagePublication(tenantId, 'updated', final)], deps.log);
  return final;
}

async function recordSendResult(
  deps: ServiceDependencies,
  tenantId: string,
  messageId: string,
  result: SendResult,
): Promise<MessageRow> {
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
