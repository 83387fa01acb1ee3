import { z } from 'zod';
import type { ChannelRef, ContactRef, NormalizedEvent, ParsedWebhook } from '../normalized-event.js';
import { metaId, metaTime, parleyIdFromMetadata } from '../meta/common.js';
import {
  describeProviderError,
  messageEnvelopeSchema,
  parseWhatsAppMessage,
  providerErrorSchema,
  type ProviderError,
} from './whatsapp-message.js';

// WhatsApp Cloud API webhooks (object "whatsapp_business_account"). Each entry is one business
// account; each of its changes with field "messages" names the phone number it is for in
// value.metadata.phone_number_id, which is the external id of Parley's whatsapp channel.

const changeValueSchema = z.object({
  metadata: z.object({ phone_number_id: metaId }),
  contacts: z
    .array(z.object({ wa_id: metaId.optional(), profile: z.object({ name: z.string().optional() }).loose().optional() }).loose())
    .optional(),
  messages: z.array(z.record(z.string(), z.unknown())).optional(),
  statuses: z.array(z.record(z.string(), z.unknown())).optional(),
  errors: z.array(providerErrorSchema).optional(),
});

type ChangeValue = z.infer<typeof changeValueSchema>;

const statusSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  timestamp: metaTime,
  biz_opaque_callback_data: z.string().optional(),
  errors: z.array(providerErrorSchema).optional(),
});

const TRACKED_STATUSES = new Set(['sent', 'delivered', 'read', 'failed']);

/** Returns the sender as a contact, with the profile name from `contacts[]` when Meta sent one. */
function contactOf(value: ChangeValue, waId: string): ContactRef {
  const contacts = value.contacts ?? [];
  const entry = contacts.find((candidate) => candidate.wa_id === waId) ?? (contacts.length === 1 ? contacts[0] : undefined);
  const profileName = entry?.profile?.name;
  return profileName ? { externalId: waId, profileName } : { externalId: waId };
}

function parseStatus(raw: unknown, channel: ChannelRef): NormalizedEvent | string {
  const parsed = statusSchema.safeParse(raw);
  if (!parsed.success) return `invalid status: ${parsed.error.issues[0]?.message ?? 'unknown'}`;
  const status = parsed.data;
  if (!TRACKED_STATUSES.has(status.status)) return `status "${status.status}" not handled`;

  const firstError: ProviderError | undefined = status.errors?.[0];
  const parleyMessageId = parleyIdFromMetadata(status.biz_opaque_callback_data);
  return {
    type: 'message_status',
    channel,
    providerMessageId: status.id,
    status: status.status as 'sent' | 'delivered' | 'read' | 'failed',
    occurredAt: status.timestamp,
    ...(firstError ? { error: { code: firstError.code, message: describeProviderError(firstError) } } : {}),
    ...(parleyMessageId ? { parleyMessageId } : {}),
  };
}

function parseChangeValue(value: ChangeValue, result: ParsedWebhook): void {
  const channel: ChannelRef = { kind: 'whatsapp', externalId: value.metadata.phone_number_id };
  const valueErrors = value.errors ?? [];

  for (const raw of value.messages ?? []) {
    const envelope = messageEnvelopeSchema.safeParse(raw);
    if (!envelope.success) {
      result.ignored.push({ channel, reason: `invalid message: ${envelope.error.issues[0]?.message ?? 'unknown'}` });
      continue;
    }
    const contact = contactOf(value, envelope.data.from);
    result.events.push(parseWhatsAppMessage(envelope.data, raw, channel, contact, valueErrors));
  }

  for (const raw of value.statuses ?? []) {
    const event = parseStatus(raw, channel);
    if (typeof event === 'string') result.ignored.push({ channel, reason: event });
    else result.events.push(event);
  }

  if (!value.messages?.length && valueErrors.length > 0) {
    // An error about the account or the webhook itself, such as a rate limit: nothing to store.
    const codes = valueErrors.map((error) => error.code).join(', ');
    result.ignored.push({ channel, reason: `errors without a message: ${codes}` });
  }
}

/** Parses one business-account entry's `changes` into normalized events. */
export function parseWhatsAppEntry(entry: Record<string, unknown>): ParsedWebhook {
  const result: ParsedWebhook = { events: [], ignored: [] };
  const changes = Array.isArray(entry.changes) ? entry.changes : [];

  for (const change of changes) {
    const field = (change as { field?: unknown }).field;
    if (field !== 'messages') {
      result.ignored.push({ reason: `whatsapp field "${String(field)}" not handled` });
      continue;
    }
    const value = changeValueSchema.safeParse((change as { value?: unknown }).value);
    if (!value.success) {
      result.ignored.push({ reason: `invalid whatsapp change: ${value.error.issues[0]?.message ?? 'unknown'}` });
      continue;
    }
    parseChangeValue(value.data, result);
  }
  return result;
}
