import { z } from 'zod';
import { MAX_TEXT_LENGTH } from '../outbound.js';

/**
 * The body Parley POSTs to a channel's bot URL for each visitor message while the bot handles the
 * conversation. Ids are the GraphQL API's global ids.
 */
export interface BotHookPayload {
  type: 'message';
  channelId: string;
  conversationId: string;
  messageId: string;
  text: string;
  /** The visitor's browser language as a BCP-47 tag, such as "nl-BE"; null when unknown. */
  locale: string | null;
  sentAt: string;
}

/** The body a bot POSTs to /webchat/bot/<channel id>/messages: a reply, a hand-off, or both. */
export const botRequestSchema = z
  .object({
    conversationId: z.string().min(1),
    text: z.string().trim().min(1).max(MAX_TEXT_LENGTH.webchat).optional(),
    handoff: z.boolean().optional(),
    /** The bot's own id for the reply, so a retried request is stored once. */
    clientMessageId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/).optional(),
  })
  .refine((body) => body.text !== undefined || body.handoff === true, {
    message: 'send "text", "handoff": true, or both',
  });

export type BotRequest = z.infer<typeof botRequestSchema>;

/** Parses a bot's request body; returns the first problem as a sentence when it is invalid. */
export function parseBotRequest(body: unknown): { ok: true; request: BotRequest } | { ok: false; problem: string } {
  const parsed = botRequestSchema.safeParse(body);
  if (parsed.success) return { ok: true, request: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'body';
  return { ok: false, problem: `${field}: ${issue?.message ?? 'invalid'}` };
}
