import type { Viewer } from '../auth/viewer.js';
import { insertAuditEntry } from '../db/queries/audit-log.js';
import {
  findLatestPolicyTexts,
  findLatestPolicyVersion,
  insertPolicyTexts,
  insertPolicyView,
  policyTextExists,
  type PrivacyPolicyRow,
  type PrivacyPolicyViewRow,
} from '../db/queries/privacy-policies.js';
import { findTenant, findTenantBySlug, type TenantRow } from '../db/queries/tenants.js';
import { contactExists } from '../db/queries/contacts.js';
import { SqlState, sqlStateOf } from '../db/postgres-errors.js';
import { AppError, badInput, ErrorCode, notFound } from '../errors/app-error.js';
import { REQUIRED_POLICY_LOCALES } from '../privacy/page-text.js';
import { requireAgent, requireRole } from './authorization.js';
import type { ServiceDependencies } from './dependencies.js';

export interface PolicyTextInput {
  locale: string;
  title: string;
  body: string;
}

export interface PublishedPolicy {
  version: number;
  publishedAt: Date;
  /** One text per locale, by locale. */
  texts: PrivacyPolicyRow[];
}

const LOCALE_PATTERN = /^[a-z]{2,3}(-[A-Z]{2})?$/;
const MAX_TITLE_LENGTH = 200;
const MAX_BODY_LENGTH = 100_000;

function toPublished(rows: PrivacyPolicyRow[]): PublishedPolicy | undefined {
  const [first] = rows;
  return first ? { version: first.version, publishedAt: first.publishedAt, texts: rows } : undefined;
}

function checkTexts(texts: PolicyTextInput[]): PolicyTextInput[] {
  const seen = new Set<string>();
  const checked = texts.map((text) => {
    const locale = text.locale.trim();
    const title = text.title.trim();
    const body = text.body.trim();
    if (!LOCALE_PATTERN.test(locale)) {
      throw badInput(`Locale "${text.locale}" is not a language tag such as en, nl or fr-BE.`, { locale: text.locale });
    }
    if (seen.has(locale)) throw badInput(`Locale ${locale} is given twice; send one text per locale.`, { locale });
    seen.add(locale);
    if (title.length === 0 || title.length > MAX_TITLE_LENGTH) {
      throw badInput(`The ${locale} title must have 1 to ${MAX_TITLE_LENGTH} characters.`, { locale });
    }
    if (body.length === 0 || body.length > MAX_BODY_LENGTH) {
      throw badInput(`The ${locale} body must have 1 to ${MAX_BODY_LENGTH} characters.`, { locale });
    }
    return { locale, title, body };
  });
  const missing = REQUIRED_POLICY_LOCALES.filter((locale) => !seen.has(locale));
  if (missing.length > 0) {
    throw badInput(`Every version needs a text in ${REQUIRED_POLICY_LOCALES.join(', ')}; missing: ${missing.join(', ')}.`, { missing });
  }
  return checked;
}

/** Publishes and serves the tenant's privacy policy: versioned, one text per locale, shown publicly at /privacy/<tenant slug>. */
export function createPrivacyPolicyService(deps: ServiceDependencies) {
  // Slugs never change, so a tenant's policy URL can be cached for the life of the process.
  const slugByTenant = new Map<string, string>();

  return {
    /** Publishes the next version with a text for each locale; earlier versions stay stored. */
    async publish(viewer: Viewer, texts: PolicyTextInput[]): Promise<PublishedPolicy> {
      const admin = requireRole(viewer, 'admin', 'publish the privacy policy');
      const checked = checkTexts(texts);

      let rows: PrivacyPolicyRow[];
      try {
        rows = await deps.db.withTenant(admin.tenantId, async (tx) => {
          const version = ((await findLatestPolicyVersion(tx)) ?? 0) + 1;
          const publishedAt = new Date();
          const inserted = await insertPolicyTexts(
            tx,
            checked.map((text) => ({ tenantId: admin.tenantId, version, publishedAt, ...text })),
          );
          await insertAuditEntry(tx, {
            tenantId: admin.tenantId,
            actorKind: 'agent',
            actorId: admin.agentId,
            action: 'privacy_policy_published',
            targetKind: 'privacy_policy',
            targetId: String(version),
            data: { version, locales: checked.map((text) => text.locale) },
          });
          return inserted.sort((a, b) => a.locale.localeCompare(b.locale));
        });
      } catch (error) {
        // Two admins publishing at once both chose the same next version; the unique index kept one.
        if (sqlStateOf(error) === SqlState.UniqueViolation) {
          throw new AppError(ErrorCode.Conflict, 'Another version was published at the same moment; reload and publish again.');
        }
        throw error;
      }
      const published = toPublished(rows);
      if (!published) throw new Error('publishing a privacy policy stored no text');
      deps.log.info({ tenantId: admin.tenantId, agentId: admin.agentId, version: published.version }, 'privacy policy published');
      return published;
    },

    /** The current version for the viewer's tenant, or undefined when none is published. */
    async current(viewer: Viewer): Promise<PublishedPolicy | undefined> {
      const agent = requireAgent(viewer);
      return toPublished(await deps.db.withTenant(agent.tenantId, (tx) => findLatestPolicyTexts(tx)));
    },

    /** The current version for the public page; undefined for an unknown tenant or when none is published. */
    async findPublished(tenantSlug: string): Promise<{ tenant: TenantRow; policy: PublishedPolicy } | undefined> {
      const tenant = await deps.db.withSystem((tx) => findTenantBySlug(tx, tenantSlug));
      if (!tenant) return undefined;
      const policy = toPublished(await deps.db.withTenant(tenant.id, (tx) => findLatestPolicyTexts(tx)));
      return policy ? { tenant, policy } : undefined;
    },

    /** The absolute URL of the tenant's public privacy policy page, which Meta asks each app for. */
    async policyUrl(tenantId: string): Promise<string> {
      let slug = slugByTenant.get(tenantId);
      if (!slug) {
        const tenant = await deps.db.withTenant(tenantId, (tx) => findTenant(tx, tenantId));
        if (!tenant) throw notFound('Tenant', tenantId);
        slug = tenant.slug;
        slugByTenant.set(tenantId, slug);
      }
      return policyPageUrl(deps.config.publicUrl, slug);
    },

    /**
     * Records that a contact was shown a version of the policy in a locale, such as by the web
     * widget before a visitor's first message. The version must exist in that locale.
     */
    async recordPolicyView(tenantId: string, contactId: string, version: number, locale: string): Promise<PrivacyPolicyViewRow> {
      if (!Number.isInteger(version) || version < 1) throw badInput(`Version must be a positive integer; got ${version}.`, { version });
      return deps.db.withTenant(tenantId, async (tx) => {
        if (!(await policyTextExists(tx, version, locale))) {
          throw badInput(`Privacy policy version ${version} has no ${locale} text.`, { version, locale });
        }
        if (!(await contactExists(tx, contactId))) throw notFound('Contact', contactId);
        return insertPolicyView(tx, { tenantId, contactId, version, locale });
      });
    },
  };
}

export function policyPageUrl(publicUrl: string, tenantSlug: string, locale?: string, format: 'html' | 'json' = 'html'): string {
  const path = `${publicUrl}/privacy/${encodeURIComponent(tenantSlug)}${format === 'json' ? '.json' : ''}`;
  return locale ? `${path}?locale=${encodeURIComponent(locale)}` : path;
}

export type PrivacyPolicyService = ReturnType<typeof createPrivacyPolicyService>;
