import type { DataExport, JsonValue } from './export-document.js';

const SECTION_TITLES: Record<string, string> = {
  channelIdentities: 'Channel identities',
  conversations: 'Conversations and messages',
  pendingMessageUpdates: 'Updates waiting for their message',
  privacyPolicyViews: 'Privacy policy views',
  messagesWritten: 'Messages written',
  conversationEvents: 'Conversation events',
  assignedConversations: 'Assigned conversations',
  auditEntries: 'Audit log entries',
  dataSubjectRequests: 'Data-subject requests',
};

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1b1b1b; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0.3rem 0; }
dt { font-weight: 600; } dd { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
ol { padding-left: 1.5rem; } ol > li { margin: 0.6rem 0; padding: 0.4rem; background: #f6f6f6; }
.none { color: #666; font-style: italic; }`;

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Turns a camelCase key into an English label: "lastActivityAt" becomes "Last activity at". */
function labelOf(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function renderValue(value: JsonValue): string {
  if (value === null) return '<span class="none">none</span>';
  if (Array.isArray(value)) {
    if (value.length === 0) return '<span class="none">none</span>';
    if (value.every((item) => item === null || typeof item !== 'object')) {
      return escapeHtml(value.map((item) => String(item)).join(', '));
    }
    return `<ol>${value.map((item) => `<li>${renderValue(item)}</li>`).join('')}</ol>`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '<span class="none">none</span>';
    return `<dl>${entries.map(([key, item]) => `<dt>${escapeHtml(labelOf(key))}</dt><dd>${renderValue(item)}</dd>`).join('')}</dl>`;
  }
  return escapeHtml(String(value));
}

/**
 * Renders the export as one self-contained HTML page: inline style, no scripts and no external
 * resources, every value escaped.
 */
export function renderDataExportHtml(document: DataExport): string {
  const sections = Object.entries(document.sections)
    .map(([key, items]) => `<h2>${escapeHtml(SECTION_TITLES[key] ?? labelOf(key))}</h2>\n${renderValue(items)}`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Personal data export</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Personal data stored about a ${document.subject.kind}</h1>
<p>Exported by Parley for ${escapeHtml(document.tenant.name)} on ${escapeHtml(document.generatedAt)}.
The same data is available as machine-readable JSON.</p>
<h2>Profile</h2>
${renderValue(document.profile)}
${sections}
</body>
</html>
`;
}
