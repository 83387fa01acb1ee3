import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privacyPolicyViews } from '../src/db/schema.js';
import { ChannelPolicyUrlsDocument, PrivacyPolicyDocument, PublishPrivacyPolicyDocument } from './generated/graphql.js';
import { graphqlData, graphqlRequest } from './support/graphql-client.js';
import { addAgent, createTenantWithChannels, PAGE_ID, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { postWebhook } from './support/webhooks.js';

const PUBLIC_URL = 'https://inbox.example.test';
const POLICY_URL = `${PUBLIC_URL}/privacy/policy-tenant`;

let server: TestServer;
let tenant: TestTenant;

const texts = (suffix: string) => [
  { locale: 'en', title: `Privacy policy ${suffix}`, body: `We keep your messages. ${suffix}` },
  { locale: 'nl', title: `Privacyverklaring ${suffix}`, body: `Wij bewaren uw berichten. ${suffix}` },
  { locale: 'fr', title: `Politique de confidentialité ${suffix}`, body: `Nous conservons vos messages. ${suffix}` },
  { locale: 'de', title: `Datenschutzerklärung ${suffix}`, body: `Wir speichern Ihre Nachrichten. ${suffix}` },
];

async function getPage(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

beforeAll(async () => {
  server = await startTestServer({ environment: { PUBLIC_URL: `${PUBLIC_URL}/` } });
  tenant = await createTenantWithChannels(server, 'policy-tenant', [{ kind: 'messenger', externalId: PAGE_ID }]);
});

afterAll(async () => {
  await server?.close();
});

describe('before publication', () => {
  it('answers 404 with a page in the reader language', async () => {
    const english = await getPage('/privacy/policy-tenant');
    expect(english.status).toBe(404);
    expect(english.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(english.text).toContain('<h1>Privacy policy not found</h1>');
    expect(english.text).toContain('No privacy policy has been published at this address yet.');

    const german = await getPage('/privacy/policy-tenant', { 'accept-language': 'de-AT,de;q=0.9,en;q=0.5' });
    expect(german.text).toContain('<html lang="de">');
    expect(german.text).toContain('<h1>Datenschutzerklärung nicht gefunden</h1>');
    expect((await getPage('/privacy/policy-tenant?locale=fr')).text).toContain('Politique de confidentialité introuvable');
    expect((await getPage('/privacy/policy-tenant?locale=nl')).text).toContain('Op dit adres is nog geen privacyverklaring gepubliceerd.');
  });

  it('answers 404 for an unknown tenant and as JSON', async () => {
    expect((await getPage('/privacy/no-such-tenant')).status).toBe(404);
    const json = await getPage('/privacy/policy-tenant.json');
    expect(json.status).toBe(404);
    expect(JSON.parse(json.text)).toEqual({ error: 'No privacy policy has been published at this address yet.' });
  });

  it('returns null from the privacyPolicy query', async () => {
    expect((await graphqlData(server.graphqlUrl, PrivacyPolicyDocument, {}, tenant.adminToken)).privacyPolicy).toBeNull();
  });
});

describe('Channel.privacyPolicyUrl', () => {
  it('is the absolute page URL from PUBLIC_URL', async () => {
    const data = await graphqlData(server.graphqlUrl, ChannelPolicyUrlsDocument, {}, tenant.adminToken);
    expect(data.channels.map((channel) => channel.privacyPolicyUrl)).toEqual([POLICY_URL]);
  });
});

describe('publishPrivacyPolicy', () => {
  it('requires en, nl, fr and de', async () => {
    const response = await graphqlRequest(server.graphqlUrl, PublishPrivacyPolicyDocument, { texts: texts('v0').slice(0, 2) }, tenant.adminToken);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toBe('Every version needs a text in en, nl, fr, de; missing: fr, de.');
  });

  it('rejects a locale given twice', async () => {
    const response = await graphqlRequest(server.graphqlUrl, PublishPrivacyPolicyDocument, { texts: [...texts('v0'), texts('v0')[0]!] }, tenant.adminToken);
    expect(response.errors?.[0]?.message).toBe('Locale en is given twice; send one text per locale.');
  });

  it('is for admins only', async () => {
    const supervisor = await addAgent(server, tenant.slug, 'policy-supervisor', 'supervisor');
    const response = await graphqlRequest(server.graphqlUrl, PublishPrivacyPolicyDocument, { texts: texts('v0') }, supervisor.token);
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('numbers versions from 1 and keeps the old ones', async () => {
    const first = await graphqlData(server.graphqlUrl, PublishPrivacyPolicyDocument, { texts: texts('v1') }, tenant.adminToken);
    expect(first.publishPrivacyPolicy.version).toBe(1);
    expect(first.publishPrivacyPolicy.url).toBe(POLICY_URL);
    expect(first.publishPrivacyPolicy.texts.map((text) => text.locale)).toEqual(['de', 'en', 'fr', 'nl']);

    const withMarkup = texts('v2').map((text) =>
      text.locale === 'en'
        ? { ...text, body: '## Who we are\n**Acme** <script>alert(1)</script>\n\n- [contact](mailto:privacy@acme.test)\n- [bad](javascript:alert(1))' }
        : text,
    );
    const second = await graphqlData(server.graphqlUrl, PublishPrivacyPolicyDocument, { texts: withMarkup }, tenant.adminToken);
    expect(second.publishPrivacyPolicy.version).toBe(2);

    const stored = await server.app.db.withSystem((tx) => tx.execute(sql`select version, count(*)::int as count from privacy_policies group by version order by version`));
    const rows = (stored as unknown as { rows?: unknown[] }).rows ?? stored;
    expect(rows).toEqual([{ version: 1, count: 4 }, { version: 2, count: 4 }]);

    const audit = await server.app.db.withSystem((tx) => tx.execute(sql`select data from audit_log where action = 'privacy_policy_published' order by id`));
    const entries = ((audit as unknown as { rows?: { data: unknown }[] }).rows ?? (audit as unknown as { data: unknown }[])).map((row) => row.data);
    expect(entries).toEqual([{ version: 1, locales: ['en', 'nl', 'fr', 'de'] }, { version: 2, locales: ['en', 'nl', 'fr', 'de'] }]);

    // A fixed date, so each language's way of writing it can be checked.
    await server.app.db.withSystem((tx) => tx.execute(sql`update privacy_policies set published_at = '2026-03-05T10:00:00Z' where version = 2`));
  });
});

describe('GET /privacy/:tenantSlug', () => {
  it('shows the newest version in English by default', async () => {
    const page = await getPage('/privacy/policy-tenant');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-language')).toBe('en');
    expect(page.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    expect(page.text).toContain('<h1>Privacy policy v2</h1>');
    expect(page.text).toContain('<p>Tenant policy-tenant</p>');
    expect(page.text).toContain('<p>Version 2 · Published on March 5, 2026</p>');
    expect(page.text).toContain('<h2>Other languages</h2>');
    expect(page.text).toContain(`<a href="${POLICY_URL}?locale=nl" hreflang="nl" lang="nl">Nederlands</a>`);
    expect(page.text).toContain(`<a href="${POLICY_URL}?locale=fr" hreflang="fr" lang="fr">Français</a>`);
    expect(page.text).toContain(`<a href="${POLICY_URL}?locale=de" hreflang="de" lang="de">Deutsch</a>`);
  });

  it('renders limited Markdown and escapes everything else', async () => {
    const page = await getPage('/privacy/policy-tenant?locale=en');
    expect(page.text).toContain('<h3>Who we are</h3>');
    expect(page.text).toContain('<strong>Acme</strong> &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.text).toContain('<li><a href="mailto:privacy@acme.test" rel="nofollow noopener">contact</a></li>');
    expect(page.text).toContain('<li>[bad](javascript:alert(1))</li>');
    expect(page.text).not.toContain('<script>');
  });

  it.each([
    ['?locale=nl', {}, 'nl', 'Privacyverklaring v2', 'Versie 2 · Gepubliceerd op 5 maart 2026', 'Andere talen'],
    ['', { 'accept-language': 'fr-BE,fr;q=0.9,en;q=0.8' }, 'fr', 'Politique de confidentialité v2', 'Version 2 · Publiée le 5 mars 2026', 'Autres langues'],
    ['', { 'accept-language': 'es;q=1, de;q=0.7, nl;q=0.5' }, 'de', 'Datenschutzerklärung v2', 'Version 2 · Veröffentlicht am 5. März 2026', 'Weitere Sprachen'],
    ['?locale=es', { 'accept-language': 'nl-BE' }, 'nl', 'Privacyverklaring v2', 'Versie 2 · Gepubliceerd op 5 maart 2026', 'Andere talen'],
    ['?locale=es', { 'accept-language': 'es, it' }, 'en', 'Privacy policy v2', 'Version 2 · Published on March 5, 2026', 'Other languages'],
  ])('picks the locale for %s %j', async (query, headers, locale, title, byline, languages) => {
    const page = await getPage(`/privacy/policy-tenant${query}`, headers);
    expect(page.headers.get('content-language')).toBe(locale);
    expect(page.text).toContain(`<html lang="${locale}">`);
    expect(page.text).toContain(`<h1>${title}</h1>`);
    expect(page.text).toContain(`<p>${byline}</p>`);
    expect(page.text).toContain(`<h2>${languages}</h2>`);
    expect(page.text).not.toContain(`hreflang="${locale}"`);
  });
});

describe('GET /privacy/:tenantSlug.json', () => {
  it('returns the text with the other locales URLs', async () => {
    const page = await getPage('/privacy/policy-tenant.json?locale=de');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(JSON.parse(page.text)).toEqual({
      version: 2,
      locale: 'de',
      title: 'Datenschutzerklärung v2',
      body: 'Wir speichern Ihre Nachrichten. v2',
      publishedAt: '2026-03-05T10:00:00.000Z',
      url: `${POLICY_URL}?locale=de`,
      otherLocales: [
        { locale: 'en', url: `${POLICY_URL}?locale=en`, jsonUrl: `${POLICY_URL}.json?locale=en` },
        { locale: 'fr', url: `${POLICY_URL}?locale=fr`, jsonUrl: `${POLICY_URL}.json?locale=fr` },
        { locale: 'nl', url: `${POLICY_URL}?locale=nl`, jsonUrl: `${POLICY_URL}.json?locale=nl` },
      ],
    });
  });
});

describe('recordPolicyView', () => {
  it('stores which version and locale a contact was shown', async () => {
    const timestamp = Date.now();
    await postWebhook(server.url, {
      object: 'page',
      entry: [{ id: PAGE_ID, time: timestamp, messaging: [{ sender: { id: '9000000000000001' }, recipient: { id: PAGE_ID }, timestamp, message: { mid: 'm_policy_1', text: 'Hi' } }] }],
    });
    const contact = await server.app.db.withTenant(tenant.tenantId, (tx) => tx.execute(sql`select id from contacts`));
    const contactId = ((contact as unknown as { rows?: { id: string }[] }).rows ?? (contact as unknown as { id: string }[]))[0]!.id;

    const view = await server.app.services.privacyPolicies.recordPolicyView(tenant.tenantId, contactId, 2, 'nl');
    expect(view).toMatchObject({ tenantId: tenant.tenantId, contactId, version: 2, locale: 'nl' });
    const stored = await server.app.db.withSystem((tx) => tx.select().from(privacyPolicyViews));
    expect(stored.map((row) => [row.contactId, row.version, row.locale])).toEqual([[contactId, 2, 'nl']]);
  });

  it('rejects a version or locale that was never published', async () => {
    const contact = await server.app.db.withTenant(tenant.tenantId, (tx) => tx.execute(sql`select id from contacts`));
    const contactId = ((contact as unknown as { rows?: { id: string }[] }).rows ?? (contact as unknown as { id: string }[]))[0]!.id;
    await expect(server.app.services.privacyPolicies.recordPolicyView(tenant.tenantId, contactId, 3, 'en')).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'Privacy policy version 3 has no en text.',
    });
    await expect(server.app.services.privacyPolicies.recordPolicyView(tenant.tenantId, contactId, 1, 'es')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it("rejects another tenant's contact as not found", async () => {
    const other = await createTenantWithChannels(server, 'other-policy-tenant');
    const contact = await server.app.db.withTenant(tenant.tenantId, (tx) => tx.execute(sql`select id from contacts`));
    const contactId = ((contact as unknown as { rows?: { id: string }[] }).rows ?? (contact as unknown as { id: string }[]))[0]!.id;
    const otherAdmin = await graphqlData(server.graphqlUrl, PublishPrivacyPolicyDocument, { texts: texts('other') }, other.adminToken);
    expect(otherAdmin.publishPrivacyPolicy.version).toBe(1);
    await expect(server.app.services.privacyPolicies.recordPolicyView(other.tenantId, contactId, 1, 'en')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
