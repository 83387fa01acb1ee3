import { z } from 'zod';

/** Maximum length of a channel's greeting, in characters. */
export const MAX_GREETING_LENGTH = 500;

/**
 * Returns the origin a tenant typed (scheme, host and port, as browsers send in the Origin
 * header), or undefined when the value is not an http(s) origin. A trailing slash is accepted;
 * a path, query, fragment or user name is not, because the Origin header never carries them.
 */
export function normalizeOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return undefined;
  return url.origin;
}

const originSchema = z.string().transform((value, context) => {
  const origin = normalizeOrigin(value);
  if (!origin) {
    context.addIssue({ code: 'custom', message: `"${value}" is not an origin; write it as https://www.example.com, without a path` });
    return z.NEVER;
  }
  return origin;
});

/** The non-secret settings of a webchat channel, as stored in channels.settings. */
export const webchatSettingsSchema = z.object({
  allowedOrigins: z.array(originSchema).min(1, 'name at least one allowed origin'),
  greeting: z.string().trim().min(1).max(MAX_GREETING_LENGTH, `must be at most ${MAX_GREETING_LENGTH} characters`).optional(),
  botUrl: z
    .url()
    .refine((value) => /^https?:\/\//.test(value), { message: 'must be an http:// or https:// URL' })
    .optional(),
});

export type WebchatSettings = z.infer<typeof webchatSettingsSchema>;

/** Reads a stored settings object; a row written by hand that no longer parses is reported as an Error. */
export function readWebchatSettings(stored: unknown): WebchatSettings {
  const parsed = webchatSettingsSchema.safeParse(stored);
  if (!parsed.success) throw new Error(`webchat channel settings are invalid: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  return parsed.data;
}

/** True when a request's Origin header names one of the channel's allowed origins. */
export function isAllowedOrigin(settings: WebchatSettings, originHeader: string | undefined): boolean {
  if (!originHeader || originHeader === 'null') return false;
  const origin = normalizeOrigin(originHeader);
  return origin !== undefined && settings.allowedOrigins.includes(origin);
}
