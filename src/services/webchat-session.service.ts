import type { PrivacyPolicyService } from './privacy-policy.service.js';
import { loggableError } from '../errors/loggable-error.js';
import { signVisitorToken, verifyVisitorToken, type VisitorClaims } from '../auth/visitor-tokens.js';
import { isAllowedOrigin, readWebchatSettings, type WebchatSettings } from '../channels/webchat/webchat-settings.js';
import { widgetTextsFor, type WidgetLanguage, type WidgetTexts } from '../channels/webchat/widget-texts.js';
import type { Tx } from '../db/database.js';
import { findWebchatChannelByPublicKey, type ChannelRow } from '../db/queries/channels.js';
import { findContact, findIdentityOnChannel, findOrCreateContact, updateIdentity } from '../db/queries/contacts.js';
import { appendConversationEvents } from '../db/queries/conversation-events.js';
import { findConversation, findOrCreateConversation, updateConversation, type ConversationRow } from '../db/queries/conversations.js';
import { forbidden, notFound, rateLimited } from '../errors/app-error.js';
import { conversationPublication, type PendingPublication } from '../events/publications.js';
import { publishAll } from '../events/publish.js';
import { toGlobalId } from '../schema/global-id.js';
import type { ServiceDependencies } from './dependencies.js';
import type { RateLimiter } from './rate-limiter.js';

export interface StartSessionRequest {
  publicKey: string;
  /** The request's Origin header. */
  origin: string | undefined;
  /** A token from an earlier session in the same browser. */
  token?: string | undefined;
  /** The browser's language, such as "nl-BE". */
  locale?: string | undefined;
  /** The client's address, for the limit on new sessions. */
  clientAddress: string;
  /** Base URL for links handed to the widget, such as https://chat.example.com. */
  publicBaseUrl: string;
}

export interface WebchatSession {
  token: string;
  conversationId: string;
  /** True when the token was for an earlier conversation, which the visitor gets back. */
  returning: boolean;
  handler: ConversationRow['handler'];
  visitor: { name: string | null; email: string | null };
  widget: {
    title: string;
    /** The channel's greeting, else the default one in the visitor's language. */
    greeting: string;
    /** The language of `texts`: en, nl, fr or de. */
    language: WidgetLanguage;
    texts: WidgetTexts;
  };
  privacyPolicyUrl: string;
}

// BCP-47 language tag as navigator.language gives it; anything else is not stored.
const LOCALE_PATTERN = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3}$/;

interface WebchatChannel {
  channel: ChannelRow;
  settings: WebchatSettings;
  tenant: { slug: string; name: string };
}

/** Starts and resumes website visitors' chat sessions on webchat channels. */
export function createWebchatSessionService(
  deps: ServiceDependencies,
  newSessionLimiter: RateLimiter,
  privacyPolicies: Pick<PrivacyPolicyService, 'findPublished' | 'recordPolicyView'>,
) {
  /**
   * Records which version of the tenant's privacy policy the widget links for this visitor, in the
   * widget's language, falling back to English as the policy page does. A failure is logged and
   * does not stop the session.
   */
  async function recordPolicyShown(tenantSlug: string, tenantId: string, contactId: string, language: string): Promise<void> {
    try {
      const published = await privacyPolicies.findPublished(tenantSlug);
      if (!published) return;
      const locales = new Set(published.policy.texts.map((text) => text.locale));
      const locale = locales.has(language) ? language : 'en';
      if (!locales.has(locale)) return;
      await privacyPolicies.recordPolicyView(tenantId, contactId, published.policy.version, locale);
    } catch (error) {
      deps.log.warn({ error: loggableError(error), tenantId }, 'recording the privacy policy version shown failed');
    }
  }

  /**
   * Loads the channel behind a widget key and checks the page's origin. Throws NOT_FOUND for an
   * unknown key and FORBIDDEN for an origin the tenant did not allow or a suspended tenant.
   */
  async function loadChannelForOrigin(publicKey: string, origin: string | undefined): Promise<WebchatChannel> {
    const found = await deps.db.withSystem((tx) => findWebchatChannelByPublicKey(tx, publicKey));
    if (!found) throw notFound('Webchat channel with public key', publicKey);
    const settings = readWebchatSettings(found.channel.settings);
    if (!isAllowedOrigin(settings, origin)) {
      throw forbidden(
        origin
          ? `The origin ${origin} is not allowed to use this chat; add it to the webchat channel's allowed origins.`
          : 'The request has no Origin header; the chat answers only pages on the channel\'s allowed origins.',
      );
    }
    if (found.tenant.status !== 'active') throw forbidden('This chat is not available at the moment.');
    return { channel: found.channel, settings, tenant: found.tenant };
  }

  async function resumeConversation(tx: Tx, claims: VisitorClaims, channel: ChannelRow, publications: PendingPublication[]) {
    const conversation = await findConversation(tx, claims.conversationId);
    if (!conversation || conversation.channelId !== channel.id || conversation.contactId !== claims.contactId) return undefined;
    if (conversation.status !== 'resolved') return conversation;

    const reopened = await updateConversation(tx, conversation.id, { status: 'open', snoozedUntil: null });
    await appendConversationEvents(tx, [
      {
        tenantId: conversation.tenantId,
        conversationId: conversation.id,
        kind: 'status_changed',
        data: { from: 'resolved', to: 'open', reason: 'visitor_returned' },
      },
    ]);
    publications.push(conversationPublication(conversation.tenantId, conversation.id));
    return reopened;
  }

  async function openConversation(tx: Tx, webchat: WebchatChannel, publications: PendingPublication[]) {
    const { channel, settings } = webchat;
    const visitorId = crypto.randomUUID();
    const { contactId } = await findOrCreateContact(tx, channel.tenantId, channel.id, { externalId: visitorId });
    const { conversation } = await findOrCreateConversation(tx, {
      tenantId: channel.tenantId,
      channelId: channel.id,
      contactId,
      kind: 'private',
      threadKey: visitorId,
      handler: settings.botUrl ? 'bot' : 'human',
      // A JavaScript Date has millisecond precision, as the inbox cursor does; the column default
      // now() would add microseconds that the cursor cannot hold.
      lastActivityAt: new Date(),
    });
    await appendConversationEvents(tx, [
      {
        tenantId: channel.tenantId,
        conversationId: conversation.id,
        kind: 'opened',
        data: { channelId: channel.id, handler: conversation.handler },
      },
    ]);
    publications.push(conversationPublication(channel.tenantId, conversation.id));
    return conversation;
  }

  return {
    /** Checks a CORS preflight: resolves when the origin may use the channel, throws as startSession would. */
    async checkOrigin(publicKey: string, origin: string | undefined): Promise<void> {
      await loadChannelForOrigin(publicKey, origin);
    },

    /**
     * Returns a visitor token and the widget's settings. A valid token from an earlier session
     * on this channel gives the same conversation back, reopened when it was resolved. Without
     * one, a new contact and conversation are created, handled by the bot when the channel has one.
     */
    async startSession(request: StartSessionRequest): Promise<WebchatSession> {
      const webchat = await loadChannelForOrigin(request.publicKey, request.origin);
      const { channel, settings, tenant } = webchat;
      const claims = request.token ? verifyVisitorToken(request.token, deps.config.jwtSecret) : undefined;
      const earlier = claims && claims.channelId === channel.id && claims.tenantId === channel.tenantId ? claims : undefined;
      const locale = request.locale && LOCALE_PATTERN.test(request.locale) ? request.locale : undefined;

      if (!earlier) {
        const waitMs = newSessionLimiter.consume(`session:${request.clientAddress}`);
        if (waitMs > 0) {
          const seconds = Math.ceil(waitMs / 1000);
          throw rateLimited(`Too many new chat sessions from this address; try again in ${seconds} s.`, seconds);
        }
      }

      const publications: PendingPublication[] = [];
      const result = await deps.db.withTenant(channel.tenantId, async (tx) => {
        const resumed = earlier ? await resumeConversation(tx, earlier, channel, publications) : undefined;
        const conversation = resumed ?? (await openConversation(tx, webchat, publications));
        const identity = await findIdentityOnChannel(tx, conversation.contactId, channel.id);
        if (identity && locale && identity.locale !== locale) await updateIdentity(tx, identity.id, { locale });
        const contact = await findContact(tx, conversation.contactId);
        return { conversation, contact, returning: resumed !== undefined };
      });
      await publishAll(deps.bus, publications, deps.log);

      const { conversation, contact } = result;
      deps.log.info(
        { tenantId: channel.tenantId, channelId: channel.id, conversationId: conversation.id, returning: result.returning },
        'webchat session started',
      );
      const { language, texts } = widgetTextsFor(request.locale);
      await recordPolicyShown(tenant.slug, channel.tenantId, conversation.contactId, language);
      return {
        token: signVisitorToken(
          { tenantId: channel.tenantId, channelId: channel.id, contactId: conversation.contactId, conversationId: conversation.id },
          deps.config.jwtSecret,
        ),
        conversationId: toGlobalId('Conversation', conversation.id),
        returning: result.returning,
        handler: conversation.handler,
        visitor: { name: contact?.displayName ?? null, email: contact?.email ?? null },
        widget: { title: tenant.name, greeting: settings.greeting ?? texts.greeting, language, texts },
        privacyPolicyUrl: `${request.publicBaseUrl}/privacy/${encodeURIComponent(tenant.slug)}`,
      };
    },
  };
}

export type WebchatSessionService = ReturnType<typeof createWebchatSessionService>;
