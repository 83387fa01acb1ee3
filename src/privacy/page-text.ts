/** Locales every published privacy policy must have; the page around the policy is written in each. */
export const REQUIRED_POLICY_LOCALES = ['en', 'nl', 'fr', 'de'] as const;
export type PageLocale = (typeof REQUIRED_POLICY_LOCALES)[number];
export const DEFAULT_LOCALE: PageLocale = 'en';

export interface PageText {
  /** The language's own name, for the language switcher. */
  languageName: string;
  version(version: number): string;
  publishedOn(date: string): string;
  languages: string;
  notFoundTitle: string;
  notFoundBody: string;
}

export const PAGE_TEXT: Record<PageLocale, PageText> = {
  en: {
    languageName: 'English',
    version: (version) => `Version ${version}`,
    publishedOn: (date) => `Published on ${date}`,
    languages: 'Other languages',
    notFoundTitle: 'Privacy policy not found',
    notFoundBody: 'No privacy policy has been published at this address yet.',
  },
  nl: {
    languageName: 'Nederlands',
    version: (version) => `Versie ${version}`,
    publishedOn: (date) => `Gepubliceerd op ${date}`,
    languages: 'Andere talen',
    notFoundTitle: 'Privacyverklaring niet gevonden',
    notFoundBody: 'Op dit adres is nog geen privacyverklaring gepubliceerd.',
  },
  fr: {
    languageName: 'Français',
    version: (version) => `Version ${version}`,
    publishedOn: (date) => `Publiée le ${date}`,
    languages: 'Autres langues',
    notFoundTitle: 'Politique de confidentialité introuvable',
    notFoundBody: 'Aucune politique de confidentialité n’a encore été publiée à cette adresse.',
  },
  de: {
    languageName: 'Deutsch',
    version: (version) => `Version ${version}`,
    publishedOn: (date) => `Veröffentlicht am ${date}`,
    languages: 'Weitere Sprachen',
    notFoundTitle: 'Datenschutzerklärung nicht gefunden',
    notFoundBody: 'Unter dieser Adresse wurde noch keine Datenschutzerklärung veröffentlicht.',
  },
};

/** The page text for a locale, by its primary language; English for languages the page is not written in. */
export function pageTextFor(locale: string): PageText {
  const primary = locale.split('-')[0]?.toLowerCase() ?? '';
  return (PAGE_TEXT as Record<string, PageText | undefined>)[primary] ?? PAGE_TEXT[DEFAULT_LOCALE];
}

/** Formats a date as people of the locale write it, such as "5. März 2025"; UTC, so every reader sees one date. */
export function formatPublishedDate(date: Date, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

/**
 * Chooses which of the `available` locales to show: the `requested` one (from ?locale=) when
 * available, then the best match of the Accept-Language header by quality, then English, then
 * the first available. A language matches on its tag or its primary subtag (nl-BE matches nl).
 */
export function negotiateLocale(available: readonly string[], requested: string | undefined, acceptLanguage: string | undefined): string | undefined {
  const match = (tag: string) => {
    const lower = tag.toLowerCase();
    return (
      available.find((locale) => locale.toLowerCase() === lower) ??
      available.find((locale) => locale.toLowerCase() === lower.split('-')[0])
    );
  };

  if (requested) {
    const chosen = match(requested);
    if (chosen) return chosen;
  }
  const preferences = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...parameters] = part.trim().split(';');
      const quality = parameters.map((parameter) => /^\s*q=([0-9.]+)\s*$/.exec(parameter)?.[1]).find(Boolean);
      return { tag: tag.trim(), quality: quality === undefined ? 1 : Number(quality), index };
    })
    .filter((preference) => preference.tag !== '' && preference.tag !== '*' && preference.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const preference of preferences) {
    const chosen = match(preference.tag);
    if (chosen) return chosen;
  }
  return match(DEFAULT_LOCALE) ?? available[0];
}
