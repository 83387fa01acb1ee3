import { randomBytes } from 'node:crypto';
import {
  buildErrorReply,
  isNonEmptyString,
  isObject,
  readId,
  type GraphReply,
  type JsonObject,
} from './graph-api-replies.js';

// The WhatsApp Cloud API routes of the fake Graph API: POST /{phone number id}/messages (messages
// and read receipts) and GET /{business account id}/message_templates.

/** A template as Meta lists it; `id` defaults to a number derived from its position. */
export interface FakeMessageTemplate {
  id?: string;
  name: string;
  language: string;
  status: string;
  category: string;
  components: JsonObject[];
  parameter_format?: string;
}

const MESSAGE_TYPES = new Set(['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'interactive', 'template', 'reaction']);
const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'document', 'sticker']);
const MAX_TEXT_LENGTH = 4_096;
// Meta's default page size for edges such as message_templates.
const DEFAULT_PAGE_SIZE = 25;

/** Builds Meta's reply to a malformed Cloud API request: code 100 with the cause in error_data.details. */
function buildInvalidParameter(details: string): GraphReply {
  return buildErrorReply({ status: 400, code: 100, message: '(#100) Invalid parameter', details });
}

function checkMedia(type: string, media: unknown): string | undefined {
  if (!isObject(media)) return `Param ${type} is required for a message of type ${type}`;
  const hasLink = media.link !== undefined;
  if (hasLink === (media.id !== undefined)) return `Param ${type} must have exactly one of id or link`;
  if (hasLink && (!isNonEmptyString(media.link) || !/^https?:\/\//.test(media.link))) {
    return `Param ${type}['link'] must be an http or https URL`;
  }
  return undefined;
}

function checkContent(type: string, body: JsonObject): string | undefined {
  if (type === 'text') {
    const text = body.text;
    if (!isObject(text) || !isNonEmptyString(text.body)) return "Param text['body'] is required";
    if (text.body.length > MAX_TEXT_LENGTH) return `Param text['body'] must be at most ${MAX_TEXT_LENGTH} characters long`;
    return undefined;
  }
  if (MEDIA_TYPES.has(type)) return checkMedia(type, body[type]);
  if (type === 'template') {
    const template = body.template;
    if (!isObject(template) || !isNonEmptyString(template.name)) return "Param template['name'] is required";
    if (!isObject(template.language) || !isNonEmptyString(template.language.code)) return "Param template['language']['code'] is required";
    if (template.components !== undefined && !Array.isArray(template.components)) return "Param template['components'] must be an array";
    return undefined;
  }
  return isObject(body[type]) ? undefined : `Param ${type} is required for a message of type ${type}`;
}

/**
 * Replies to a Cloud API request on the messages edge: a message to send, or a read receipt.
 * `nextMessageId` returns an id a test queued, or undefined for a random one.
 */
export function replyToWhatsAppRequest(body: JsonObject, nextMessageId: () => string | undefined): GraphReply {
  if (body.messaging_product !== 'whatsapp') return buildInvalidParameter("Param messaging_product must be 'whatsapp'");

  if (body.status !== undefined) {
    if (body.status !== 'read') return buildInvalidParameter("Param status must be 'read'");
    if (!isNonEmptyString(body.message_id)) return buildInvalidParameter('Param message_id is required');
    return { status: 200, body: { success: true } };
  }

  const to = readId(body.to);
  if (to === undefined) return buildInvalidParameter('Param to is required');
  const type = body.type ?? 'text';
  if (typeof type !== 'string' || !MESSAGE_TYPES.has(type)) return buildInvalidParameter(`Param type '${String(type)}' is not a valid message type`);
  const problem = checkContent(type, body);
  if (problem !== undefined) return buildInvalidParameter(problem);

  const message: JsonObject = { id: nextMessageId() ?? `wamid.${randomBytes(24).toString('base64')}` };
  if (type === 'template') message.message_status = 'accepted';
  return { status: 200, body: { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [message] } };
}

const encodeCursor = (index: number) => Buffer.from(String(index)).toString('base64url');
const decodeCursor = (cursor: string) => Number(Buffer.from(cursor, 'base64url').toString('utf8'));

/**
 * Lists templates a page at a time, with Meta's cursor paging: `limit` and `after` in the query,
 * `paging.cursors` and, unless the page is the last, `paging.next` in the reply. `fields` picks
 * the fields returned; `id` is always among them.
 */
export function replyToTemplateListRequest(templates: FakeMessageTemplate[], query: Record<string, string>, selfUrl: string): GraphReply {
  const limit = query.limit ? Number(query.limit) : DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1) return buildInvalidParameter('Param limit must be a positive integer');
  const start = query.after ? decodeCursor(query.after) + 1 : 0;
  if (!Number.isInteger(start) || start < 0) return buildInvalidParameter('Param after is not a valid cursor');

  const fields = query.fields ? query.fields.split(',').map((field) => field.trim()) : undefined;
  const data = templates.slice(start, start + limit).map((template, offset) => {
    const full: JsonObject = { id: template.id ?? String(9_000_000_000 + start + offset), ...template };
    if (!fields) return full;
    return Object.fromEntries(Object.entries(full).filter(([key]) => key === 'id' || fields.includes(key)));
  });
  if (data.length === 0) return { status: 200, body: { data } };

  const last = start + data.length - 1;
  const paging: JsonObject = { cursors: { before: encodeCursor(start), after: encodeCursor(last) } };
  if (last < templates.length - 1) {
    const next = new URL(selfUrl);
    for (const [name, value] of Object.entries(query)) next.searchParams.set(name, value);
    next.searchParams.set('after', encodeCursor(last));
    next.searchParams.delete('access_token');
    paging.next = next.toString();
  }
  return { status: 200, body: { data, paging } };
}
