import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import { negotiateLocale, REQUIRED_POLICY_LOCALES, PAGE_TEXT, type PageLocale } from '../privacy/page-text.js';
import { renderPolicyNotFoundPage, renderPolicyPage } from '../privacy/policy-page.js';
import { policyPageUrl, type PrivacyPolicyService } from '../services/privacy-policy.service.js';

interface PolicyRoute {
  Params: { page: string };
  Querystring: { locale?: string };
}

// The page has its own inline style and nothing else: no scripts, frames or remote content.
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * Public privacy policy pages: GET /privacy/<tenant slug> as HTML and /privacy/<tenant slug>.json
 * as JSON. The locale comes from ?locale=, then Accept-Language, then English.
 */
export async function registerPrivacyPolicyRoutes(app: FastifyInstance, config: Config, privacyPolicies: PrivacyPolicyService) {
  app.get<PolicyRoute>('/privacy/:page', async (request, reply) => {
    const isJson = request.params.page.endsWith('.json');
    const slug = isJson ? request.params.page.slice(0, -'.json'.length) : request.params.page;
    const requested = typeof request.query.locale === 'string' ? request.query.locale : undefined;
    const acceptLanguage = request.headers['accept-language'];

    const found = /^[a-z0-9-]{1,63}$/.test(slug) ? await privacyPolicies.findPublished(slug) : undefined;
    if (!found) {
      const pageLocale = (negotiateLocale(REQUIRED_POLICY_LOCALES, requested, acceptLanguage) ?? 'en') as PageLocale;
      reply.code(404).headers(SECURITY_HEADERS);
      if (isJson) return reply.send({ error: PAGE_TEXT.en.notFoundBody });
      return reply.type('text/html; charset=utf-8').send(renderPolicyNotFoundPage(pageLocale));
    }

    const { tenant, policy } = found;
    const locales = policy.texts.map((text) => text.locale);
    const locale = negotiateLocale(locales, requested, acceptLanguage) ?? 'en';
    const text = policy.texts.find((entry) => entry.locale === locale) ?? policy.texts[0]!;
    reply.headers({ ...SECURITY_HEADERS, 'content-language': text.locale, vary: 'Accept-Language' });

    if (isJson) {
      return reply.send({
        version: policy.version,
        locale: text.locale,
        title: text.title,
        body: text.body,
        publishedAt: policy.publishedAt.toISOString(),
        url: policyPageUrl(config.publicUrl, tenant.slug, text.locale),
        otherLocales: locales
          .filter((other) => other !== text.locale)
          .map((other) => ({
            locale: other,
            url: policyPageUrl(config.publicUrl, tenant.slug, other),
            jsonUrl: policyPageUrl(config.publicUrl, tenant.slug, other, 'json'),
          })),
      });
    }
    return reply.type('text/html; charset=utf-8').send(
      renderPolicyPage({
        tenantName: tenant.name,
        locale: text.locale,
        title: text.title,
        body: text.body,
        version: policy.version,
        publishedAt: policy.publishedAt,
        locales: locales.map((other) => ({ locale: other, url: policyPageUrl(config.publicUrl, tenant.slug, other) })),
      }),
    );
  });
}
