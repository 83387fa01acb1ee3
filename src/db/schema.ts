import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

// Every table except `tenants` carries tenant_id and is covered by a row-level security policy
// (migrations/0001_tenant_isolation.sql). Request code reaches these tables only as the
// parley_app role, which cannot bypass RLS.

const id = () => uuid('id').primaryKey().defaultRandom();
const tenantId = () =>
  uuid('tenant_id')
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' });
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const agentRole = pgEnum('agent_role', ['admin', 'supervisor', 'agent']);
export const channelKind = pgEnum('channel_kind', [
  'messenger',
  'facebook_page',
  'instagram',
  'whatsapp',
  'webchat',
]);
export const conversationStatus = pgEnum('conversation_status', [
  'open',
  'pending',
  'snoozed',
  'resolved',
]);
export const conversationKind = pgEnum('conversation_kind', ['private', 'comment_thread']);
export const messageDirection = pgEnum('message_direction', ['inbound', 'outbound']);
export const messageAuthorKind = pgEnum('message_author_kind', ['contact', 'agent', 'page', 'bot', 'system']);
export const tenantStatus = pgEnum('tenant_status', ['active', 'suspended']);
/** The current handler of a conversation: the channel's bot until a human takes over. */
export const conversationHandler = pgEnum('conversation_handler', ['human', 'bot']);
export const mediaStatus = pgEnum('media_status', ['pending', 'stored', 'failed']);
export const dataSubjectKind = pgEnum('data_subject_kind', ['contact', 'agent']);
export const dataSubjectRequestKind = pgEnum('data_subject_request_kind', ['access', 'rectification', 'erasure']);
export const messageStatus = pgEnum('message_status', [
  'received',
  'pending',
  'sent',
  'delivered',
  'read',
  'failed',
]);

export const tenants = pgTable('tenants', {
  id: id(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  status: tenantStatus('status').notNull().default('active'),
  /** Days to keep conversations and messages after their last activity; null keeps them. */
  retentionDays: integer('retention_days'),
  /** Days to keep stored attachment files; null follows retentionDays. */
  attachmentRetentionDays: integer('attachment_retention_days'),
  createdAt: createdAt(),
});

export const agents = pgTable(
  'agents',
  {
    id: id(),
    tenantId: tenantId(),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    displayName: text('display_name').notNull(),
    role: agentRole('role').notNull().default('agent'),
    /** BCP-47 language tags, such as "en" or "nl-BE". */
    languages: text('languages').array().notNull().default(sql`'{}'::text[]`),
    skills: text('skills').array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('agents_tenant_email_key').on(table.tenantId, sql`lower(${table.email})`)],
);

export const channels = pgTable(
  'channels',
  {
    id: id(),
    tenantId: tenantId(),
    kind: channelKind('kind').notNull(),
    name: text('name').notNull(),
    /** The provider's id for the account: a Facebook page id, an Instagram account id, a WhatsApp phone number id. */
    externalId: text('external_id').notNull(),
    // TODO(privacy): stored in plain text until encryption at rest with key rotation lands.
    accessToken: text('access_token'),
    /** Public key a website embeds to reach its webchat channel; null for other kinds. */
    publicKey: text('public_key').unique(),
    /**
     * Non-secret settings by kind: webchat { allowedOrigins, greeting, botUrl },
     * whatsapp { businessAccountId }.
     */
    settings: jsonb('settings').notNull().default(sql`'{}'::jsonb`),
    /** Key that signs requests to the channel's bot URL. */
    botSecret: text('bot_secret'),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('channels_kind_external_id_key').on(table.kind, table.externalId)],
);

export const contacts = pgTable(
  'contacts',
  {
    id: id(),
    tenantId: tenantId(),
    displayName: text('display_name'),
    email: text('email'),
    phone: text('phone'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('contacts_tenant_idx').on(table.tenantId)],
);

/** One contact's identity on one channel, such as a Messenger page-scoped id. */
export const contactIdentities = pgTable(
  'contact_identities',
  {
    id: id(),
    tenantId: tenantId(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    externalId: text('external_id').notNull(),
    profileName: text('profile_name'),
    avatarUrl: text('avatar_url'),
    locale: text('locale'),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('contact_identities_channel_external_id_key').on(table.channelId, table.externalId),
    index('contact_identities_contact_idx').on(table.contactId),
  ],
);

export const conversations = pgTable(
  'conversations',
  {
    id: id(),
    tenantId: tenantId(),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    kind: conversationKind('kind').notNull(),
    /**
     * What makes the thread unique on its channel: the contact's id for a private thread,
     * "<post id>:<contact id>" for a comment thread on a post.
     */
    threadKey: text('thread_key').notNull(),
    /** The post a comment thread belongs to; null for private threads. */
    postId: text('post_id'),
    status: conversationStatus('status').notNull().default('open'),
    assigneeId: uuid('assignee_id').references(() => agents.id, { onDelete: 'set null' }),
    snoozedUntil: timestamp('snoozed_until', { withTimezone: true }),
    lastActivityAt: timestamp('last_activity_at', { withTimezone: true }).notNull().defaultNow(),
    lastMessageId: uuid('last_message_id'),
    /** Inbound messages after this instant count as unread for the tenant's agents. */
    agentLastReadAt: timestamp('agent_last_read_at', { withTimezone: true }),
    /** The contact's latest message; WhatsApp allows free-form replies for 24 hours after it. */
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
    handler: conversationHandler('handler').notNull().default('human'),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('conversations_channel_thread_key').on(table.channelId, table.threadKey),
    index('conversations_inbox_idx').on(table.tenantId, table.lastActivityAt, table.id),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: id(),
    tenantId: tenantId(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    direction: messageDirection('direction').notNull(),
    authorKind: messageAuthorKind('author_kind').notNull(),
    authorAgentId: uuid('author_agent_id').references(() => agents.id, { onDelete: 'set null' }),
    text: text('text'),
    /** Normalized attachments: [{ type, url, title, ... }] as written by the channel adapter. */
    attachments: jsonb('attachments').notNull().default(sql`'[]'::jsonb`),
    /** Channel extras the agent may need: quick-reply and postback payloads, referral, reply-to. */
    metadata: jsonb('metadata').notNull().default(sql`'{}'::jsonb`),
    providerMessageId: text('provider_message_id'),
    status: messageStatus('status').notNull(),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    /** The contact's current reaction to this message, as an emoji; null when none. */
    reaction: text('reaction'),
    isHidden: boolean('is_hidden').notNull().default(false),
    providerTimestamp: timestamp('provider_timestamp', { withTimezone: true }),
    editedAt: timestamp('edited_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('messages_channel_provider_message_id_key').on(
      table.channelId,
      table.providerMessageId,
    ),
    index('messages_conversation_idx').on(table.conversationId, table.createdAt, table.id),
  ],
);

/** Append-only log of every change to a conversation; parley_app may insert and read, never change. */
export const conversationEvents = pgTable(
  'conversation_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: tenantId(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    actorAgentId: uuid('actor_agent_id').references(() => agents.id, { onDelete: 'set null' }),
    messageId: uuid('message_id'),
    data: jsonb('data').notNull().default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
  },
  (table) => [index('conversation_events_conversation_idx').on(table.conversationId, table.id)],
);

/**
 * A copy of an inbound attachment in Parley's own storage. Provider URLs expire, so a background
 * job downloads each file once and retries failures with backoff.
 */
export const mediaObjects = pgTable(
  'media_objects',
  {
    id: id(),
    tenantId: tenantId(),
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    /** The provider's URL, or its media id (WhatsApp) to exchange for a URL. */
    sourceUrl: text('source_url'),
    sourceMediaId: text('source_media_id'),
    status: mediaStatus('status').notNull().default('pending'),
    storageKey: text('storage_key'),
    contentType: text('content_type'),
    byteSize: integer('byte_size'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (table) => [
    index('media_objects_due_idx').on(table.status, table.nextAttemptAt),
    index('media_objects_message_idx').on(table.messageId),
  ],
);

/**
 * Changes that arrived before the message they refer to (a status, an edit, a reaction). Ingest
 * applies them when the message is stored, so order of arrival does not matter.
 */
export const pendingMessageUpdates = pgTable(
  'pending_message_updates',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: tenantId(),
    channelId: uuid('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    providerMessageId: text('provider_message_id').notNull(),
    /** The normalized event, as JSON. */
    event: jsonb('event').notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('pending_message_updates_lookup_idx').on(table.channelId, table.providerMessageId)],
);

/** Platform operators: they manage tenants and never read tenants' conversations. No tenant_id. */
export const operators = pgTable('operators', {
  id: id(),
  email: text('email').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  displayName: text('display_name').notNull(),
  createdAt: createdAt(),
});

/**
 * Append-only record of privileged actions: exports, erasures, role changes, token use, operator
 * actions. Rows with a null tenant_id are the operator's own and invisible to tenants.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tenantId: uuid('tenant_id'),
    /** agent, operator, system or meta (Meta's deletion callback). */
    actorKind: text('actor_kind').notNull(),
    actorId: uuid('actor_id'),
    action: text('action').notNull(),
    targetKind: text('target_kind'),
    targetId: text('target_id'),
    /** Ids and outcomes only, never the personal data acted on. */
    data: jsonb('data').notNull().default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
  },
  (table) => [index('audit_log_tenant_idx').on(table.tenantId, table.id)],
);

/** A data-subject request a tenant handled, recorded without repeating the person's data. */
export const dataSubjectRequests = pgTable(
  'data_subject_requests',
  {
    id: id(),
    tenantId: tenantId(),
    subjectKind: dataSubjectKind('subject_kind').notNull(),
    /** The contact's or agent's id; kept after erasure as a bare id with no data behind it. */
    subjectId: uuid('subject_id').notNull(),
    kind: dataSubjectRequestKind('kind').notNull(),
    requestedByAgentId: uuid('requested_by_agent_id'),
    /** completed or failed. */
    status: text('status').notNull(),
    /** Scope and outcome: tables and row counts touched, fields corrected (names only). */
    details: jsonb('details').notNull().default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (table) => [index('data_subject_requests_tenant_idx').on(table.tenantId, table.createdAt)],
);

/** One published version of a tenant's privacy policy in one locale. */
export const privacyPolicies = pgTable(
  'privacy_policies',
  {
    id: id(),
    tenantId: tenantId(),
    version: integer('version').notNull(),
    /** BCP-47 language tag: en, nl, fr, de at least. */
    locale: text('locale').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('privacy_policies_version_locale_key').on(table.tenantId, table.version, table.locale)],
);

/** The privacy policy version a visitor was shown, and when. */
export const privacyPolicyViews = pgTable(
  'privacy_policy_views',
  {
    id: id(),
    tenantId: tenantId(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    locale: text('locale').notNull(),
    shownAt: timestamp('shown_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('privacy_policy_views_contact_idx').on(table.contactId)],
);

/**
 * Meta's data-deletion callbacks. Only a hash of the app-scoped user id is kept, so the status
 * page can answer without holding the id itself. No tenant_id: one request spans tenants.
 */
export const metaDeletionRequests = pgTable('meta_deletion_requests', {
  id: id(),
  confirmationCode: text('confirmation_code').notNull().unique(),
  userIdHash: text('user_id_hash').notNull(),
  /** pending, completed or failed. */
  status: text('status').notNull(),
  tenantCount: integer('tenant_count').notNull().default(0),
  createdAt: createdAt(),
  completedAt: timestamp('completed_at', { withTimezone: true }),
});
