import type { ChannelKind } from './normalized-event.js';

/** An attachment's origin as ingest stored it, with the channel it came in on. */
export interface MediaSourceRequest {
  channel: { kind: ChannelKind; externalId: string; accessToken: string | null };
  url: string | null;
  providerMediaId: string | null;
}

/** The download location of a file, and what the provider states about it. */
export interface MediaSource {
  url: string;
  /** Headers the download needs, such as the channel's token for WhatsApp media URLs. */
  headers: Record<string, string>;
  contentType?: string;
  byteSize?: number;
  /** SHA-256 of the file as the provider states it, hex or base64. */
  sha256?: string;
}

/**
 * A failure to find the file. The message names what failed without personal data or URLs.
 * `permanent` is true when retrying cannot help.
 */
export interface MediaSourceFailure {
  ok: false;
  error: string;
  permanent: boolean;
}

export type MediaSourceResult = { ok: true; source: MediaSource } | MediaSourceFailure;

/** Turns a stored attachment origin into a download, exchanging provider media ids where needed. */
export interface MediaSourceResolver {
  resolve(request: MediaSourceRequest): Promise<MediaSourceResult>;
}
