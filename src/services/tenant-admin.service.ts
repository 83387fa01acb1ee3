import { z } from 'zod';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../auth/passwords.js';
import type { ChannelKind } from '../channels/normalized-event.js';
import { insertAgent, type AgentRow } from '../db/queries/agents.js';
import { insertChannel, type ChannelRow } from '../db/queries/channels.js';
import { findTenantBySlug, insertTenant, type TenantRow } from '../db/queries/tenants.js';
import type { Database } from '../db/database.js';
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
  externalId: string;
  accessToken: string | null;
  name?: string;
}

function check<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badInput(`${field}: ${parsed.error.issues[0]?.message ?? 'invalid'}`, { field });
  return parsed.data;
}

/** Operator actions: creating tenants with their first admin, and connecting channels. */
export function createTenantAdminService(db: Database) {
  return {
    async createTenant(input: CreateTenantInput): Promise<{ tenant: TenantRow; admin: AgentRow }> {
      const slug = check(slugSchema, input.slug, 'slug');
      const name = check(z.string().trim().min(1, 'must not be empty'), input.name, 'name');
      const email = check(z.email('must be an email address'), input.adminEmail.trim(), 'admin email');
      check(z.string().min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`), input.adminPassword, 'admin password');
      const passwordHash = await hashPassword(input.adminPassword);

      const tenant = await db.withSystem(async (tx) => {
        if (await findTenantBySlug(tx, slug)) {
          throw new AppError(ErrorCode.Conflict, `A tenant with slug "${slug}" already exists; choose another slug.`);
        }
        return insertTenant(tx, { slug, name });
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

    async createChannel(input: CreateChannelInput): Promise<ChannelRow> {
      const idName = input.kind === 'instagram' ? 'account id' : 'page id';
      const externalId = check(
        z.string().regex(/^\d{1,30}$/, `must be the numeric ${idName} Meta shows`),
        input.externalId,
        idName,
      );
      const tenant = await db.withSystem((tx) => findTenantBySlug(tx, input.tenantSlug));
      if (!tenant) throw notFound('Tenant', input.tenantSlug);
      try {
        return await db.withTenant(tenant.id, (tx) =>
          insertChannel(tx, {
            tenantId: tenant.id,
            kind: input.kind,
            externalId,
            accessToken: input.accessToken,
            name: input.name ?? `${input.kind} ${externalId}`,
          }),
        );
      } catch (error) {
        if (sqlStateOf(error) === SqlState.UniqueViolation) {
          throw new AppError(ErrorCode.Conflict, `A ${input.kind} channel for ${externalId} is already connected.`);
        }
        throw error;
      }
    },
  };
}

export type TenantAdminService = ReturnType<typeof createTenantAdminService>;
