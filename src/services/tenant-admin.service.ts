import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../auth/passwords.js';
import type { ChannelKind } from '../channels/normalized-event.js';
import { webchatSettingsSchema, type WebchatSettings } from '../channels/webchat/webchat-settings.js';
import { insertAgent, type AgentRow } from '../db/queries/agents.js';
import { insertChannel, type ChannelRow } from '../db/queries/channels.js';
import { findTenantBySlug, insertTenant, type TenantRow } from '../db/queries/tenants.js';
import { insertAuditEntry } from '../db/queries/audit-log.js';
import type { Database } from '../db/database.js';
import type { Keyring } from '../secrets/keyring.js';
import { SqlState, sqlStateOf } from '../db/postgres-errors.js';
import { AppError, badInput, ErrorCode, notFound } from '../errors/app-error.js';

const slugSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'use 1 to 63 lowercase letters, digits and dashes, not starting or ending with a dash');

export interface CreateTenantInput {
  slug: string;
  name: string;
  adminEmail: string;
  adminPassword: string;
  adminName?: string;
}

export interface CreateChannelInput {
  tenantSlug: string;
  kind: ChannelKind;
  /** The page id, or for WhatsApp the phone number id. */
  externalId: string;
  accessToken: string | null;
  name?: string;
  /** WhatsApp only: the business account that owns the phone number and its templates. */
  businessAccountId?: string;
}

const metaNumericId = (what: string) => z.string().regex(/^\d{1,30}$/, `must be the numeric ${what}, as Meta shows it`);

/** Checks the channel's ids and builds its settings; WhatsApp needs its business account id. */
function checkChannelIds(input: CreateChannelInput): { externalId: string; settings: Record<string, unknown> } {
  if (input.kind === 'whatsapp') {
    const externalId = check(metaNumericId('phone number id'), input.externalId, 'phone number id');
    const businessAccountId = check(metaNumericId('WhatsApp Business account id'), input.businessAccountId ?? '', 'business account id');
    return { externalId, settings: { businessAccountId } };
  }
  if (input.kind === 'instagram') {
    return { externalId: check(metaNumericId('Instagram account id'), input.externalId, 'account id'), settings: {} };
  }
  return { externalId: check(metaNumericId('id of the page'), input.externalId, 'page id'), settings: {} };
}

/** The actor of an action, as the audit log records it; the command line is the system. */
export interface AuditActor {
  kind: 'system' | 'operator' | 'agent';
  id: string | null;
}

export const SYSTEM_ACTOR: AuditActor = Object.freeze({ kind: 'system', id: null });
export interface CreateWebchatChannelInput {
  tenantSlug: string;
  name: string;
  allowedOrigins: string[];
  greeting?: string | undefined;
  botUrl?: string | undefined;
}

export interface CreatedWebchatChannel {
  channel: ChannelRow;
  settings: WebchatSettings;
  /** The key that signs bot requests, returned only here; null without a bot URL. */
  botSecret: string | null;
}

/** Public widget keys look like "wc_" and 24 URL-safe characters (144 random bits). */
const newPublicKey = () => `wc_${randomBytes(18).toString('base64url')}`;
const newBotSecret = () => randomBytes(32).toString('base64url');

function check<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badInput(`${field}: ${parsed.error.issues[0]?.message ?? 'invalid'}`, { field });
  return parsed.data;
}

/** Platform actions: creating tenants with their first admin, and connecting channels; each is audited. */
export function createTenantAdminService({ db, keyring }: { db: Database; keyring: Keyring }) {
  return {
    async createTenant(input: CreateTenantInput, actor: AuditActor = SYSTEM_ACTOR): Promise<{ tenant: TenantRow; admin: AgentRow }> {
      const slug = check(slugSchema, input.slug, 'slug');
      const name = check(z.string().trim().min(1, 'must not be empty'), input.name, 'name');
      const email = check(z.email('must be an email address'), input.adminEmail.trim(), 'admin email');
      check(z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`), input.adminPassword, 'admin password');
      const passwordHash = await hashPassword(input.adminPassword);

      const tenant = await db.withSystem(async (tx) => {
        if (await findTenantBySlug(tx, slug)) {
          throw new AppError(ErrorCode.Conflict, `A tenant with slug "${slug}" already exists; choose another slug.`);
        }
        const created = await insertTenant(tx, { slug, name });
        await insertAuditEntry(tx, {
          tenantId: null,
          actorKind: actor.kind,
          actorId: actor.id,
          action: 'tenant_created',
          targetKind: 'tenant',
          targetId: created.id,
          data: { slug },
        });
        return created;
      });
      const admin = await db.withTenant(tenant.id, (tx) =>
        insertAgent(tx, {
          tenantId: tenant.id,
          email,
          passwordHash,
          displayName: input.adminName ?? email.split('@')[0] ?? email,
          role: 'admin',
        }),
      );
      return { tenant, admin };
    },

    async createChannel(input: CreateChannelInput, actor: AuditActor = SYSTEM_ACTOR): Promise<ChannelRow> {
      const { externalId, settings } = checkChannelIds(input);
      const tenant = await db.withSystem((tx) => findTenantBySlug(tx, input.tenantSlug));
      if (!tenant) throw notFound('Tenant', input.tenantSlug);
      try {
        return await db.withTenant(tenant.id, async (tx) => {
          const channel = await insertChannel(tx, keyring, {
            tenantId: tenant.id,
            kind: input.kind,
            externalId,
            accessToken: input.accessToken,
            settings,
            name: input.name ?? `${input.kind} ${externalId}`,
          });
          await insertAuditEntry(tx, {
            tenantId: tenant.id,
            actorKind: actor.kind,
            actorId: actor.id,
            action: 'channel_created',
            targetKind: 'channel',
            targetId: channel.id,
            data: { kind: channel.kind, externalId: channel.externalId },
          });
          return channel;
        });
      } catch (error) {
        if (sqlStateOf(error) === SqlState.UniqueViolation) {
          throw new AppError(ErrorCode.Conflict, `A ${input.kind} channel for ${externalId} is already connected.`);
        }
        throw error;
      }
    },

    /**
     * Creates a webchat channel with a new public widget key, which is also its external id.
     * With a bot URL it also generates the bot secret, which the caller shows once.
     */
    async createWebchatChannel(input: CreateWebchatChannelInput, actor: AuditActor = SYSTEM_ACTOR): Promise<CreatedWebchatChannel> {
      const name = check(z.string().trim().min(1, 'must not be empty'), input.name, 'name');
      const parsed = webchatSettingsSchema.safeParse({
        allowedOrigins: input.allowedOrigins,
        ...(input.greeting !== undefined ? { greeting: input.greeting } : {}),
        ...(input.botUrl !== undefined ? { botUrl: input.botUrl } : {}),
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = { allowedOrigins: 'allowed origin', greeting: 'greeting', botUrl: 'bot URL' }[String(issue?.path[0])] ?? 'settings';
        throw badInput(`${field}: ${issue?.message ?? 'invalid'}`, { field });
      }
      const settings: WebchatSettings = { ...parsed.data, allowedOrigins: [...new Set(parsed.data.allowedOrigins)] };
      const tenant = await db.withSystem((tx) => findTenantBySlug(tx, input.tenantSlug.trim().toLowerCase()));
      if (!tenant) throw notFound('Tenant', input.tenantSlug);

      const publicKey = newPublicKey();
      const botSecret = settings.botUrl ? newBotSecret() : null;
      const channel = await db.withTenant(tenant.id, async (tx) => {
        const created = await insertChannel(tx, keyring, {
          tenantId: tenant.id,
          kind: 'webchat',
          name,
          externalId: publicKey,
          publicKey,
          settings,
          botSecret,
        });
        await insertAuditEntry(tx, {
          tenantId: tenant.id,
          actorKind: actor.kind,
          actorId: actor.id,
          action: 'channel_created',
          targetKind: 'channel',
          targetId: created.id,
          data: { kind: created.kind, externalId: created.externalId },
        });
        return created;
      });
      return { channel, settings, botSecret };
    },
  };
}

export type TenantAdminService = ReturnType<typeof createTenantAdminService>;
