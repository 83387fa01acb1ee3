import { randomBytes } from 'node:crypto';

// Reply builders shared by the fake Graph API's routes, in the shapes Meta documents.

export type JsonObject = Record<string, unknown>;
export interface GraphReply { status: number; body: JsonObject }

/**
 * A Graph error to serve. `status` is the HTTP status, `type` defaults to OAuthException,
 * `subcode` is sent as error_subcode and `details` as error_data.details, which the WhatsApp
 * Cloud API adds to explain the cause.
 */
export interface GraphApiError { status: number; code: number; message: string; type?: string; subcode?: number; details?: string }

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

export function readId(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  return isNonEmptyString(value) ? value : undefined;
}

export function buildErrorReply(error: GraphApiError): GraphReply {
  const fields: JsonObject = { message: error.message, type: error.type ?? 'OAuthException', code: error.code };
  if (error.details !== undefined) fields.error_data = { messaging_product: 'whatsapp', details: error.details };
  if (error.subcode !== undefined) fields.error_subcode = error.subcode;
  fields.fbtrace_id = randomBytes(18).toString('base64url');
  return { status: error.status, body: { error: fields } };
}

export function buildParameterError(message: string): GraphReply {
  return buildErrorReply({ status: 400, code: 100, message: `(#100) ${message}` });
}
