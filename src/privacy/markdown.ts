/**
 * Renders the limited Markdown a privacy policy may use into safe HTML. Everything is
 * HTML-escaped first, so raw HTML in the source shows as text; then these are recognised:
 * headings (`#` to `###`, rendered as h2 to h4 under the page's h1), bullet lists (`-` or `*`),
 * numbered lists (`1.`), **bold**, *italic* or _italic_, and [links](https://…) to http, https
 * and mailto addresses only. Blank lines separate paragraphs; a single line break is kept as <br>,
 * so plain text renders as written.
 */
export function renderLimitedMarkdown(source: string): string {
  const blocks: string[] = [];
  // NUL marks link placeholders in renderInline, so none may come from the source.
  const lines = source.replace(/\u0000/g, '').replace(/\r\n?/g, '\n').split('\n');
  let paragraph: string[] = [];
  let list: { tag: 'ul' | 'ol'; items: string[] } | undefined;

  const flushParagraph = () => {
    if (paragraph.length > 0) blocks.push(`<p>${paragraph.map(renderInline).join('<br>\n')}</p>`);
    paragraph = [];
  };
  const flushList = () => {
    if (list) blocks.push(`<${list.tag}>\n${list.items.map((item) => `<li>${renderInline(item)}</li>`).join('\n')}\n</${list.tag}>`);
    list = undefined;
  };

  for (const line of lines) {
    const trimmed = line.trim();
    const heading = /^(#{1,3})\s+(.+)$/.exec(trimmed);
    const bullet = /^[-*]\s+(.+)$/.exec(trimmed);
    const numbered = /^\d{1,3}[.)]\s+(.+)$/.exec(trimmed);

    if (trimmed === '') {
      flushParagraph();
      flushList();
    } else if (heading?.[1] && heading[2]) {
      flushParagraph();
      flushList();
      const level = heading[1].length + 1;
      blocks.push(`<h${level}>${renderInline(heading[2])}</h${level}>`);
    } else if (bullet?.[1] || numbered?.[1]) {
      flushParagraph();
      const tag = bullet ? 'ul' : 'ol';
      if (list?.tag !== tag) flushList();
      list ??= { tag, items: [] };
      list.items.push((bullet?.[1] ?? numbered?.[1]) as string);
    } else {
      flushList();
      paragraph.push(trimmed);
    }
  }
  flushParagraph();
  flushList();
  return blocks.join('\n');
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const SAFE_LINK = /^(https?:\/\/|mailto:)/i;

function renderEmphasis(html: string): string {
  return html
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^\w*])\*([^*\s][^*]*)\*(?![\w*])/g, '$1<em>$2</em>')
    .replace(/(^|[^\w])_([^_\s][^_]*)_(?!\w)/g, '$1<em>$2</em>');
}

function renderInline(text: string): string {
  // Escaping first means every later pattern works on text that contains no markup of its own.
  // Links are set aside while emphasis is applied, so an underscore in a URL stays in the URL.
  const links: string[] = [];
  const withoutLinks = escapeHtml(text).replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, label: string, url: string) => {
    if (!SAFE_LINK.test(url)) return whole;
    links.push(`<a href="${url}" rel="nofollow noopener">${renderEmphasis(label)}</a>`);
    return `\u0000${links.length - 1}\u0000`;
  });
  return renderEmphasis(withoutLinks).replace(/\u0000(\d+)\u0000/g, (_whole, index: string) => links[Number(index)] ?? '');
}
