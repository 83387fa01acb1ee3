import { createHash, randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedGraphRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  /** Parsed JSON or form body, the raw text for other content types, or undefined when empty. */
  body: unknown;
}

/**
 * A Graph error to serve. `status` is the HTTP status, `type` defaults to OAuthException
 * and `subcode` is sent as error_subcode.
 */
export interface GraphApiError { status: number; code: number; message: string; type?: string; subcode?: number }

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
   * Queues an error for the next POST to a known route, served before the token and parameter checks.
   * Queued errors are served first in, first out.
   */
  failNext(error: GraphApiError): void;
  /** Makes GET /{media-id} return the media's URL, as the WhatsApp Cloud API does. */
  addWhatsAppMedia(media: FakeWhatsAppMedia): void;
  /** Clears recorded requests and queued errors but keeps the allowed tokens. */
  reset(): void;
  close(): Promise<void>;
}

type JsonObject = Record<string, unknown>;
interface GraphReply { status: number; body: JsonObject }

const API_VERSION = 'v21.0';
const ROUTE_PATTERN = /^\/v\d+\.\d+\/([^/]+)\/(messages|comments)\/?$/;
const NODE_PATTERN = /^\/v\d+\.\d+\/([^/]+)\/?$/;
const SENDER_ACTIONS = new Set(['typing_on', 'typing_off', 'mark_seen']);
// Graph rejects longer Messenger text with code 100, using the message built in replyToSendRequest.
const MAX_TEXT_LENGTH = 2_000;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function readId(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return isNonEmptyString(value) ? value : undefined;
}

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

function buildErrorReply(error: GraphApiError): GraphReply {
  const fields: JsonObject = { message: error.message, type: error.type ?? 'OAuthException', code: error.code };
  if (error.subcode !== undefined) fields.error_subcode = error.subcode;
  fields.fbtrace_id = randomBytes(18).toString('base64url');
  return { status: error.status, body: { error: fields } };
}

function buildParameterError(message: string): GraphReply {
  return buildErrorReply({ status: 400, code: 100, message: `(#100) ${message}` });
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

function replyToSendRequest(body: unknown): GraphReply {
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
    const node = NODE_PATTERN.exec(path);
    if (node !== null && method === 'GET') {
      const token = readToken(request, query, body);
      if (token === undefined || !allowedTokens.has(token)) return buildInvalidTokenError();
      return replyToMediaRequest(method, path, whatsAppMedia.get(node[1] ?? ''), query);
    }

    const route = ROUTE_PATTERN.exec(path);
    if (route === null || method !== 'POST') return buildUnsupportedRequestError(method, path);
    const [, objectId = '', edge] = route;

    const queuedError = queuedErrors.shift();
    if (queuedError !== undefined) return buildErrorReply(queuedError);

    // NOTE: Graph returns code 104 ("An access token is required to request this resource") for a
    // missing token, but this fake returns 190 for a missing token as well as an unknown one.
    const token = readToken(request, query, body);
    if (token === undefined || !allowedTokens.has(token)) return buildInvalidTokenError();

    if (edge === 'messages') return replyToSendRequest(body);
    return replyToCommentRequest(objectId, body, nextCommentNumber++);
  }

  const server = createServer((request, response) => {
    handleRequest(request, response).catch((error: unknown) => {
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/${API_VERSION}`,
    requests,
    allowToken: (token) => void allowedTokens.add(token),
    failNext: (error) => void queuedErrors.push(error),
    addWhatsAppMedia: (media) => void whatsAppMedia.set(media.mediaId, media),
    reset: () => {
      requests.length = 0;
      queuedErrors.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
