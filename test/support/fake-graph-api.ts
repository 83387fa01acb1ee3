import { createHash, randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  buildErrorReply,
  buildParameterError,
  isNonEmptyString,
  isObject,
  readId,
  type GraphApiError,
  type GraphReply,
  type JsonObject,
} from './graph-api-replies.js';
import { replyToTemplateListRequest, replyToWhatsAppRequest, type FakeMessageTemplate } from './fake-whatsapp-routes.js';

export type { GraphApiError } from './graph-api-replies.js';
export type { FakeMessageTemplate } from './fake-whatsapp-routes.js';

export interface RecordedGraphRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  /** Parsed JSON or form body, the raw text for other content types, or undefined when empty. */
  body: unknown;
}


/** A WhatsApp media object the fake describes at GET /{media-id}. */
export interface FakeWhatsAppMedia {
  mediaId: string;
  /** The phone number id the media belongs to; a different `phone_number_id` query gets code 100. */
  phoneNumberId: string;
  /** Where the file is served, such as a fake CDN URL. */
  url: string;
  mimeType: string;
  /** The file, for the sha256 and file_size fields. */
  bytes: Buffer;
}

export interface FakeGraphApi {
  /** Base URL including the version segment, without a trailing slash. */
  url: string;
  /** Every request received, in arrival order. */
  requests: RecordedGraphRequest[];
  /** Adds a token the fake accepts. Requests with any other token, or none, get code 190. */
  allowToken(token: string): void;
  /**
   * Queues an error for the next request to a known route, served before the token and parameter checks.
   * Queued errors are served first in, first out.
   */
  failNext(error: GraphApiError): void;
  /** Serves this profile for GET /{id} (Messenger's User Profile API); unknown ids get code 100. */
  setProfile(id: string, profile: JsonObject): void;
  /** Makes the next WhatsApp message send return this id instead of a random one. */
  queueMessageId(id: string): void;
  /** Delays the reply to the next request by this many milliseconds, like a slow Graph API. */
  delayNext(milliseconds: number): void;
  /** Sets the templates GET /{businessAccountId}/message_templates lists; other account ids get code 100. */
  setMessageTemplates(businessAccountId: string, templates: FakeMessageTemplate[]): void;
  /** Makes GET /{media-id} return the media's URL, as the WhatsApp Cloud API does. */
  addWhatsAppMedia(media: FakeWhatsAppMedia): void;
  /** Clears recorded requests and everything queued but keeps the allowed tokens, profiles and templates. */
  reset(): void;
  close(): Promise<void>;
}

const API_VERSION = 'v21.0';
// POST /{id} updates a node (hiding a comment); the edges send messages, comment, reply, like and list templates.
const ROUTE_PATTERN = /^\/v\d+\.\d+\/([^/]+)(?:\/(messages|comments|replies|likes|message_templates))?\/?$/;
const OBJECT_PATTERN = /^\/v\d+\.\d+\/([^/]+)\/?$/;
// Parameters that hide or unhide a comment: is_hidden for a Facebook comment, hide for an Instagram one.
const HIDE_PARAMETERS = ['is_hidden', 'hide'] as const;
const SENDER_ACTIONS = new Set(['typing_on', 'typing_off', 'mark_seen']);
// Graph rejects longer Messenger text with code 100, using the message built in replyToSendRequest.
const MAX_TEXT_LENGTH = 2_000;

/** Reads an object parameter: a JSON body carries it as an object, a form body as a JSON-encoded string. */
function readObjectParameter(body: unknown, name: string): JsonObject | undefined {
  const value = isObject(body) ? body[name] : undefined;
  if (typeof value !== 'string') return isObject(value) ? value : undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function buildUnsupportedRequestError(method: string, path: string): GraphReply {
  const objectId = path.split('/').filter(Boolean)[1] ?? path;
  const message =
    `Unsupported ${method.toLowerCase()} request. Object with ID '${objectId}' does not exist, ` +
    'cannot be loaded due to missing permissions, or does not support this operation';
  return buildErrorReply({ status: 400, code: 100, subcode: 33, type: 'GraphMethodException', message });
}

function buildInvalidTokenError(): GraphReply {
  return buildErrorReply({ status: 400, code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
}

/** Reads the access token from the query, the bearer header or the body, in that order. */
function readToken(request: IncomingMessage, query: Record<string, string>, body: unknown): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const bodyToken = isObject(body) && isNonEmptyString(body.access_token) ? body.access_token : undefined;
  return query.access_token ?? bearer ?? bodyToken;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;

  const contentType = request.headers['content-type'] ?? '';
  if (contentType.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  if (!contentType.includes('application/json')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function flattenHeaders(request: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function replyToSendRequest(body: unknown, whatsAppMessageId: () => string | undefined): GraphReply {
  // The Cloud API shares the edge with the Send API; its requests name their product.
  if (isObject(body) && body.messaging_product !== undefined) return replyToWhatsAppRequest(body, whatsAppMessageId);
  const recipient = readObjectParameter(body, 'recipient');
  if (recipient === undefined) return buildParameterError('The parameter recipient is required');
  const recipientId = readId(recipient.id);
  if (recipientId === undefined && readId(recipient.comment_id) === undefined) {
    return buildParameterError('The parameter recipient must contain id or comment_id');
  }
  // NOTE: for a private reply (recipient.comment_id) Meta returns the commenter's PSID as recipient_id.
  // The fake has no mapping from comments to PSIDs, so it leaves recipient_id out.
  const recipientField = recipientId === undefined ? {} : { recipient_id: recipientId };

  const senderAction = isObject(body) ? body.sender_action : undefined;
  const message = readObjectParameter(body, 'message');
  if (message === undefined && typeof senderAction === 'string' && SENDER_ACTIONS.has(senderAction)) {
    return { status: 200, body: recipientField };
  }
  if (message === undefined) return buildParameterError('The parameter message or sender_action is required');

  const text = message.text;
  if (!isNonEmptyString(text) && !isObject(message.attachment)) {
    return buildParameterError('The parameter message must contain text or attachment');
  }
  if (isNonEmptyString(text) && text.length > MAX_TEXT_LENGTH) {
    return buildParameterError(`Length of param message[text] must be less than or equal to ${MAX_TEXT_LENGTH}`);
  }
  return { status: 200, body: { ...recipientField, message_id: `m_${randomBytes(18).toString('base64url')}` } };
}

function replyToCommentRequest(commentId: string, body: unknown, commentNumber: number): GraphReply {
  const fields = isObject(body) ? body : {};
  const attachmentFields = ['attachment_id', 'attachment_url', 'attachment_share_url'];
  const hasAttachment = attachmentFields.some((name) => readId(fields[name]) !== undefined);
  if (!isNonEmptyString(fields.message) && !hasAttachment) {
    return buildParameterError('The parameter message or an attachment is required');
  }

  // A reply's id keeps the post part of the parent comment id ("5000_6001" gives "5000_<new>").
  const postPart = commentId.split('_')[0] ?? commentId;
  return { status: 200, body: { id: `${postPart}_${commentNumber}` } };
}

/** Reads a boolean parameter: a JSON body carries true or false, a form body "true" or "false". */
function readBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return undefined;
}

function replyToNodeUpdate(body: unknown): GraphReply {
  const fields = isObject(body) ? body : {};
  const given = HIDE_PARAMETERS.filter((name) => fields[name] !== undefined);
  if (given.length === 0) return buildParameterError('The parameter is_hidden or hide is required');
  for (const name of given) {
    if (readBoolean(fields[name]) === undefined) return buildParameterError(`Param ${name} must be a boolean`);
  }
  return { status: 200, body: { success: true } };
}

function replyToRepliesRequest(body: unknown, commentNumber: number): GraphReply {
  const fields = isObject(body) ? body : {};
  if (!isNonEmptyString(fields.message)) return buildParameterError('The parameter message is required');
  // Instagram comment ids are bare numbers.
  return { status: 200, body: { id: String(commentNumber) } };
}

/**
 * Replies to GET /{media-id} as the WhatsApp Cloud API documents it, with the URL, MIME type,
 * SHA-256 (hex), size and id of the media. Meta documents the URL as valid for five minutes, but
 * the fake does not expire it.
 */
function replyToMediaRequest(method: string, path: string, media: FakeWhatsAppMedia | undefined, query: Record<string, string>): GraphReply {
  // NOTE: Meta does not document its reply to a phone_number_id the media does not belong to, so
  // the fake replies as for an unknown object.
  if (!media || (query.phone_number_id !== undefined && query.phone_number_id !== media.phoneNumberId)) {
    return buildUnsupportedRequestError(method, path);
  }
  return {
    status: 200,
    body: {
      messaging_product: 'whatsapp',
      url: media.url,
      mime_type: media.mimeType,
      sha256: createHash('sha256').update(media.bytes).digest('hex'),
      file_size: media.bytes.length,
      id: media.mediaId,
    },
  };
}

/** Starts a Graph API stand-in on 127.0.0.1 with an ephemeral port. */
export async function startFakeGraphApi(): Promise<FakeGraphApi> {
  const requests: RecordedGraphRequest[] = [];
  const queuedErrors: GraphApiError[] = [];
  const allowedTokens = new Set<string>();
  const profiles = new Map<string, JsonObject>();
  const templatesByAccount = new Map<string, FakeMessageTemplate[]>();
  const queuedMessageIds: string[] = [];
  const queuedDelays: number[] = [];
  let port = 0;
  const whatsAppMedia = new Map<string, FakeWhatsAppMedia>();
  // Starts at a random 10-digit number so ids from separate fakes in one test run rarely collide.
  let nextCommentNumber = randomInt(1_000_000_000, 9_000_000_000);

  async function handleRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const body = await readBody(request);
    const method = request.method ?? 'GET';
    requests.push({ method, path: url.pathname, query, headers: flattenHeaders(request), body });

    const reply = chooseReply(request, method, url.pathname, query, body);
    const delay = queuedDelays.shift();
    if (delay !== undefined) await new Promise((resolve) => setTimeout(resolve, delay));
    response.writeHead(reply.status, { 'content-type': 'application/json; charset=UTF-8' });
    response.end(JSON.stringify(reply.body));
  }

  function chooseReply(
    request: IncomingMessage,
    method: string,
    path: string,
    query: Record<string, string>,
    body: unknown,
  ): GraphReply {
    const objectRoute = OBJECT_PATTERN.exec(path);
    if (method === 'GET' && objectRoute) {
      const token = readToken(request, query, body);
      if (token === undefined || !allowedTokens.has(token)) return buildInvalidTokenError();
      const objectId = objectRoute[1] ?? '';
      const profile = profiles.get(objectId);
      if (profile) return { status: 200, body: { ...profile, id: objectId } };
      return replyToMediaRequest(method, path, whatsAppMedia.get(objectId), query);
    }

    const route = ROUTE_PATTERN.exec(path);
    const [, objectId = '', edge] = route ?? [];
    const expectedMethod = edge === 'message_templates' ? 'GET' : 'POST';
    if (route === null || method !== expectedMethod) return buildUnsupportedRequestError(method, path);

    const queuedError = queuedErrors.shift();
    if (queuedError !== undefined) return buildErrorReply(queuedError);

    // NOTE: Graph returns code 104 ("An access token is required to request this resource") for a
    // missing token, but this fake returns 190 for a missing token as well as an unknown one.
    const token = readToken(request, query, body);
    if (token === undefined || !allowedTokens.has(token)) return buildInvalidTokenError();

    switch (edge) {
      case 'messages':
        return replyToSendRequest(body, () => queuedMessageIds.shift());
      case 'message_templates': {
        const templates = templatesByAccount.get(objectId);
        if (!templates) return buildUnsupportedRequestError(method, path);
        return replyToTemplateListRequest(templates, query, `http://127.0.0.1:${port}${path}`);
      }
      case 'comments':
        return replyToCommentRequest(objectId, body, nextCommentNumber++);
      case 'replies':
        return replyToRepliesRequest(body, nextCommentNumber++);
      case 'likes':
        return { status: 200, body: { success: true } };
      default:
        return replyToNodeUpdate(body);
    }
  }

  const server = createServer((request, response) => {
    handleRequest(request, response).catch((error: unknown) => {
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/${API_VERSION}`,
    requests,
    allowToken: (token) => void allowedTokens.add(token),
    failNext: (error) => void queuedErrors.push(error),
    setProfile: (id, profile) => void profiles.set(id, profile),
    queueMessageId: (id) => void queuedMessageIds.push(id),
    delayNext: (milliseconds) => void queuedDelays.push(milliseconds),
    setMessageTemplates: (businessAccountId, templates) => void templatesByAccount.set(businessAccountId, templates),
    addWhatsAppMedia: (media) => void whatsAppMedia.set(media.mediaId, media),
    reset: () => {
      requests.length = 0;
      queuedErrors.length = 0;
      queuedMessageIds.length = 0;
      queuedDelays.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
