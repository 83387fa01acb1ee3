import { z } from 'zod';
import { buildVisitorMessageEvent } from '../channels/webchat/visitor-message.js';
import { findChannel } from '../db/queries/channels.js';
import { findContact, findIdentityOnChannel, updateContact, updateIdentity, type ContactRow } from '../db/queries/contacts.js';
import { appendConversationEvents } from '../db/queries/conversation-events.js';
import { findConversation, type ConversationRow } from '../db/queries/conversations.js';
import type { MessageRow } from '../db/queries/messages.js';
import { badInput, notFound, rateLimited, unauthenticated } from '../errors/app-error.js';
import { conversationPublication } from '../events/publications.js';
import { publishAll } from '../events/publish.js';
import { ingestMessageEvent } from '../ingest/ingest-message.js';
import { requireVisitor } from './authorization.js';
import type { BotService } from './bot.service.js';
import type { ServiceDependencies } from './dependencies.js';
import { handOffToHuman } from './hand-off.js';
import type { RateLimiter } from './rate-limiter.js';
import type { Viewer } from '../auth/viewer.js';

/** A visitor's view of its own conversation, without agent, assignee or channel data. */
export interface VisitorConversationView {
  conversation: ConversationRow;
  contact: ContactRow;
}

export interface VisitorProfileInput {
  name?: string | null | undefined;
  email?: string | null | undefined;
}

export const MAX_VISITOR_NAME_LENGTH = 100;

const nameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_VISITOR_NAME_LENGTH, `must be at most ${MAX_VISITOR_NAME_LENGTH} characters`)
  .refine((value) => !/\p{Cc}/u.test(value), 'must not contain control characters');
const emailSchema = z.string().trim().max(254, 'must be at most 254 characters').pipe(z.email('must be an email address'));

function checkField<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badInput(`"${field}" ${parsed.error.issues[0]?.message ?? 'is invalid'}.`, { field });
  return parsed.data;
}

/** Creates the operations a website visitor runs in its own conversation with a visitor token. */
export function createVisitorService(deps: ServiceDependencies, messageLimiter: RateLimiter, bot: BotService) {
  const ingestDeps = { db: deps.db, bus: deps.bus, log: deps.log, storage: deps.storage };

  async function loadView(tenantId: string, conversationId: string): Promise<VisitorConversationView> {
    return deps.db.withTenant(tenantId, async (tx) => {
      const conversation = await findConversation(tx, conversationId);
      if (!conversation) throw notFound('Conversation', conversationId);
      const contact = await findContact(tx, conversation.contactId);
      if (!contact) throw notFound('Contact', conversation.contactId);
      return { conversation, contact };
    });
  }

  return {
    getConversation(viewer: Viewer): Promise<VisitorConversationView> {
      const visitor = requireVisitor(viewer);
      return loadView(visitor.tenantId, visitor.conversationId);
    },

    /**
     * Stores a visitor's message through ingest, as an inbound webchat message, and hands it to
     * the channel's bot after commit while the bot handles the conversation.
     */
    async sendMessage(viewer: Viewer, text: string, clientMessageId?: string | null): Promise<MessageRow> {
      const visitor = requireVisitor(viewer);
      const waitMs = messageLimiter.consume(visitor.conversationId);
      if (waitMs > 0) {
        const seconds = Math.ceil(waitMs / 1000);
        throw rateLimited(`You are sending messages too quickly; try again in ${seconds} s.`, seconds);
      }

      const { channel, identity } = await deps.db.withTenant(visitor.tenantId, async (tx) => {
        // A socket authenticated before its conversation was erased must not start a new one.
        if (!(await findConversation(tx, visitor.conversationId))) {
          throw unauthenticated('The conversation of this visitor token no longer exists; start a new webchat session.');
        }
        const channelRow = await findChannel(tx, visitor.channelId);
        if (!channelRow) throw notFound('Channel', visitor.channelId);
        const identityRow = await findIdentityOnChannel(tx, visitor.contactId, visitor.channelId);
        if (!identityRow) throw notFound('Contact identity on channel', visitor.channelId);
        return { channel: channelRow, identity: identityRow };
      });
      const event = buildVisitorMessageEvent({
        channelExternalId: channel.externalId,
        visitorExternalId: identity.externalId,
        text,
        clientMessageId,
        receivedAt: new Date(),
      });

      const ingested = await ingestMessageEvent(ingestDeps, channel, event);
      if (ingested.message.conversationId !== visitor.conversationId) {
        throw new Error('a visitor message was stored in a conversation other than the token names');
      }
      if (!ingested.duplicate) bot.notifyVisitorMessage(channel, ingested.conversation, ingested.message, identity.locale);
      return ingested.message;
    },

    /** Sets the name and email a visitor gave in the widget; a field left out keeps its value. */
    async updateProfile(viewer: Viewer, input: VisitorProfileInput): Promise<VisitorConversationView> {
      const visitor = requireVisitor(viewer);
      if (input.name == null && input.email == null) throw badInput('Give a name, an email address or both.');
      const name = input.name != null ? checkField(nameSchema, input.name, 'name') : undefined;
      const email = input.email != null ? checkField(emailSchema, input.email, 'email') : undefined;

      await deps.db.withTenant(visitor.tenantId, async (tx) => {
        await updateContact(tx, visitor.contactId, { ...(name ? { displayName: name } : {}), ...(email ? { email } : {}) });
        const identity = await findIdentityOnChannel(tx, visitor.contactId, visitor.channelId);
        if (identity && name) await updateIdentity(tx, identity.id, { profileName: name });
        await appendConversationEvents(tx, [
          {
            tenantId: visitor.tenantId,
            conversationId: visitor.conversationId,
            kind: 'visitor_profile_updated',
            data: { fields: [...(name ? ['name'] : []), ...(email ? ['email'] : [])] },
          },
        ]);
      });
      await publishAll(deps.bus, [conversationPublication(visitor.tenantId, visitor.conversationId)], deps.log);
      return loadView(visitor.tenantId, visitor.conversationId);
    },

    /** Hands the conversation from the bot to the agents; without a bot it changes nothing. */
    async requestHuman(viewer: Viewer): Promise<VisitorConversationView> {
      const visitor = requireVisitor(viewer);
      const changed = await deps.db.withTenant(visitor.tenantId, async (tx) => {
        const conversation = await findConversation(tx, visitor.conversationId);
        if (!conversation) throw notFound('Conversation', visitor.conversationId);
        return handOffToHuman(tx, conversation, 'visitor_requested');
      });
      if (changed) {
        deps.log.info({ tenantId: visitor.tenantId, conversationId: visitor.conversationId }, 'visitor asked for a human');
        await publishAll(deps.bus, [conversationPublication(visitor.tenantId, visitor.conversationId)], deps.log);
      }
      return loadView(visitor.tenantId, visitor.conversationId);
    },
  };
}

export type VisitorService = ReturnType<typeof createVisitorService>;
