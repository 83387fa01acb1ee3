import { z } from 'zod';
import { MAX_TEXT_LENGTH } from '../outbound.js';
import type { MessageEvent } from '../normalized-event.js';
import { badInput } from '../../errors/app-error.js';

const clientMessageIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

export interface VisitorMessageInput {
  /** The channel's external id, which is its public widget key. */
  channelExternalId: string;
  /** The visitor's id on the channel, from its contact identity. */
  visitorExternalId: string;
  text: string;
  /** The widget's own id for the message, so a resent message is stored once. */
  clientMessageId?: string | null | undefined;
  receivedAt: Date;
}

/**
 * Turns a message typed in the widget into the normalized inbound event that ingest stores, as a
 * webhook adapter would. The provider id carries the visitor's id, so one visitor's client id can
 * never match, and so hide, another visitor's message.
 */
export function buildVisitorMessageEvent(input: VisitorMessageInput): MessageEvent {
  const text = input.text.trim();
  if (text.length === 0) throw badInput('The message text is empty.');
  const maxLength = MAX_TEXT_LENGTH.webchat;
  if (text.length > maxLength) {
    throw badInput(`The message is ${text.length} characters; webchat allows at most ${maxLength}.`, { length: text.length, maxLength });
  }
  if (input.clientMessageId != null && !clientMessageIdSchema.safeParse(input.clientMessageId).success) {
    throw badInput('"clientMessageId" must be 8 to 64 letters, digits, dashes or underscores.', { argument: 'clientMessageId' });
  }

  const localId = input.clientMessageId ?? crypto.randomUUID();
  return {
    type: 'message',
    channel: { kind: 'webchat', externalId: input.channelExternalId },
    direction: 'inbound',
    thread: { kind: 'private' },
    contact: { externalId: input.visitorExternalId },
    providerMessageId: `visitor:${input.visitorExternalId}:${localId}`,
    text,
    // TODO(webchat): visitors cannot attach files yet; an upload would be stored in media storage and listed here.
    attachments: [],
    metadata: {},
    occurredAt: input.receivedAt,
  };
}
