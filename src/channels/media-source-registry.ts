import type { MediaSourceRequest, MediaSourceResolver, MediaSourceResult } from './media-source.js';
import type { ChannelKind } from './normalized-event.js';

/**
 * Resolves every attachment by its channel kind: kinds with a resolver (WhatsApp's media id
 * exchange) use it, and the rest download the provider's URL as ingest stored it, without headers.
 */
export function createMediaSourceRegistry(resolvers: Partial<Record<ChannelKind, MediaSourceResolver>>): MediaSourceResolver {
  return {
    resolve(request: MediaSourceRequest): Promise<MediaSourceResult> {
      const resolver = resolvers[request.channel.kind];
      if (resolver) return resolver.resolve(request);
      if (request.url) return Promise.resolve({ ok: true, source: { url: request.url, headers: {} } });
      return Promise.resolve({
        ok: false,
        error: `Parley cannot download media ids from ${request.channel.kind} channels.`,
        permanent: true,
      });
    },
  };
}
