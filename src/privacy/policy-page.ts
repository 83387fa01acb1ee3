import { escapeHtml, renderLimitedMarkdown } from './markdown.js';
import { formatPublishedDate, pageTextFor, PAGE_TEXT, type PageLocale } from './page-text.js';

export interface PolicyPageInput {
  tenantName: string;
  locale: string;
  title: string;
  body: string;
  version: number;
  publishedAt: Date;
  /** Every locale of this version with its page URL, the shown one included. */
  locales: { locale: string; url: string }[];
}

const STYLE = `body{font:16px/1.6 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
header p{color:#555;margin:.2rem 0}nav ul{list-style:none;padding:0;display:flex;gap:1rem;flex-wrap:wrap}
h1{line-height:1.25}nav{border-top:1px solid #ddd;margin-top:2rem}nav h2{font-size:1rem}a{color:#0b57d0}`;

function languageName(locale: string): string {
  return (PAGE_TEXT as Record<string, { languageName: string } | undefined>)[locale]?.languageName ?? locale;
}

function document(locale: string, title: string, content: string): string {
  return `<!doctype html>
<html lang="${escapeHtml(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${content}
</body>
</html>
`;
}

/** Renders the public page of one privacy policy text, with the page's own words in the text's language. */
export function renderPolicyPage(input: PolicyPageInput): string {
  const text = pageTextFor(input.locale);
  const others = input.locales.filter((entry) => entry.locale !== input.locale);
  const switcher = others.length
    ? `<nav aria-label="${escapeHtml(text.languages)}">
<h2>${escapeHtml(text.languages)}</h2>
<ul>
${others.map((entry) => `<li><a href="${escapeHtml(entry.url)}" hreflang="${escapeHtml(entry.locale)}" lang="${escapeHtml(entry.locale)}">${escapeHtml(languageName(entry.locale))}</a></li>`).join('\n')}
</ul>
</nav>`
    : '';
  const content = `<header>
<p>${escapeHtml(input.tenantName)}</p>
<h1>${escapeHtml(input.title)}</h1>
<p>${escapeHtml(text.version(input.version))} · ${escapeHtml(text.publishedOn(formatPublishedDate(input.publishedAt, input.locale)))}</p>
</header>
<main>
${renderLimitedMarkdown(input.body)}
</main>
${switcher}`;
  return document(input.locale, `${input.title} – ${input.tenantName}`, content);
}

/** Renders the page shown when a tenant has no published policy, or no tenant has the slug. */
export function renderPolicyNotFoundPage(locale: PageLocale): string {
  const text = PAGE_TEXT[locale];
  return document(locale, text.notFoundTitle, `<main>\n<h1>${escapeHtml(text.notFoundTitle)}</h1>\n<p>${escapeHtml(text.notFoundBody)}</p>\n</main>`);
}
