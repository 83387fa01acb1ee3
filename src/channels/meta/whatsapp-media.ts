import { z } from 'zod';
import type { MediaSourceRequest, MediaSourceResolver, MediaSourceResult } from '../media-source.js';
import { getFromGraphApi, type GraphApiClientOptions } from './graph-api-client.js';

// GET /{media-id} on the Graph API returns a download URL that Meta documents as valid for five
// minutes, so the exchange runs again on every attempt instead of storing the URL.
const mediaUrlResponseSchema = z.object({
  url: z.url(),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  // Meta's examples show the size both as a number and as a string of digits.
  file_size: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
  id: z.string().optional(),
  messaging_product: z.string().optional(),
});

/**
 * Resolves WhatsApp media ids: exchanges the id for a short-lived URL with the channel's token,
 * then downloads that URL with the same token, which the WhatsApp Cloud API requires.
 */
export function createWhatsAppMediaResolver(options: GraphApiClientOptions): MediaSourceResolver {
  return {
    async resolve(request: MediaSourceRequest): Promise<MediaSourceResult> {
      if (!request.providerMediaId) {
        return { ok: false, error: 'The WhatsApp attachment has no media id.', permanent: true };
      }
      const token = request.channel.accessToken;
      if (!token) {
        return { ok: false, error: 'The channel has no access token to exchange the media id; reconnect it.', permanent: false };
      }

      const result = await getFromGraphApi(
        options,
        encodeURIComponent(request.providerMediaId),
        token,
        // Meta checks that the media belongs to this phone number before it returns the URL.
        { phone_number_id: request.channel.externalId },
        mediaUrlResponseSchema,
      );
      if (!result.ok) {
        const status = result.httpStatus ? ` (HTTP ${result.httpStatus})` : '';
        return { ok: false, error: `The media id exchange failed with Graph API error ${result.errorCode}${status}.`, permanent: false };
      }

      const body = result.body;
      return {
        ok: true,
        source: {
          url: body.url,
          headers: { authorization: `Bearer ${token}` },
          ...(body.mime_type ? { contentType: body.mime_type } : {}),
          ...(body.file_size !== undefined ? { byteSize: body.file_size } : {}),
          ...(body.sha256 ? { sha256: body.sha256 } : {}),
        },
      };
    },
  };
}
