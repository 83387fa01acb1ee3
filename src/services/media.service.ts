import type { Readable } from 'node:stream';
import { createMediaUrlSigner } from '../auth/media-url-signature.js';
import type { Viewer } from '../auth/viewer.js';
import { findMediaObject, type MediaObjectRow } from '../db/queries/media-objects.js';
import { AppError, ErrorCode, forbidden, notFound } from '../errors/app-error.js';
import { fromGlobalId, toGlobalId } from '../schema/global-id.js';
import type { MediaStorage } from '../storage/media-storage.js';
import { requireAgent } from './authorization.js';
import type { ServiceDependencies } from './dependencies.js';

/** A stored file opened for an agent, with what the HTTP response needs to describe it. */
export interface MediaDownload {
  body: Readable;
  contentType: string;
  byteSize: number | undefined;
  /** A file name for Content-Disposition: the media id with an extension for the content type. */
  fileName: string;
  /** True for images, audio and video a browser may show in the page; other types are downloaded. */
  inline: boolean;
}

/** The query parameters of a signed download URL, as received. */
export interface SignedMediaRequest {
  tenant?: string | undefined;
  expires?: string | undefined;
  signature?: string | undefined;
}

// SVG is left out on purpose: it can carry scripts, so it is served as a download.
const INLINE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif', 'image/bmp']);
const isInline = (contentType: string) =>
  INLINE_TYPES.has(contentType) || contentType.startsWith('audio/') || contentType.startsWith('video/');

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/bmp': 'bmp',
  'image/svg+xml': 'svg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/ogg': 'ogg',
  'audio/amr': 'amr',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'video/quicktime': 'mov',
  'application/pdf': 'pdf',
  'application/zip': 'zip',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.ms-powerpoint': 'ppt',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'text/plain': 'txt',
  'text/csv': 'csv',
};

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Signed URLs expire at a whole minute, so queries within the same minute return the same URL and
// a browser can reuse the image it already loaded.
const EXPIRY_STEP_SECONDS = 60;

const invalidSignature = () =>
  forbidden("The download URL is invalid or has expired; query the attachment's downloadUrl again.");

/** Serves stored attachment files to the tenant's agents, by token or by signed URL. */
export function createMediaService(deps: ServiceDependencies & { storage: MediaStorage }) {
  const signer = createMediaUrlSigner(deps.config.jwtSecret);
  const nowSeconds = () => Math.floor(Date.now() / 1000);

  function parseMediaId(globalId: string): string {
    try {
      return fromGlobalId('Attachment', globalId);
    } catch {
      throw notFound('Attachment', globalId);
    }
  }

  /** Opens a media object of the tenant; RLS hides other tenants' rows, so they are not found either. */
  async function openStored(tenantId: string, mediaId: string, globalId: string): Promise<MediaDownload> {
    const media = await deps.db.withTenant(tenantId, (tx) => findMediaObject(tx, mediaId));
    if (!media) throw notFound('Attachment', globalId);
    if (media.status !== 'stored' || !media.storageKey) {
      throw new AppError(
        ErrorCode.Conflict,
        `Attachment ${globalId} has no stored copy; its storageStatus is ${media.status.toUpperCase()}.`,
        { storageStatus: media.status.toUpperCase() },
      );
    }
    const file = await deps.storage.get(media.storageKey);
    if (!file) {
      deps.log.error({ mediaId, tenantId, storage: deps.storage.kind }, 'stored media file is missing from storage');
      throw notFound('Attachment', globalId);
    }
    return describe(media, file.body, file.byteSize);
  }

  function describe(media: MediaObjectRow, body: Readable, byteSize: number | undefined): MediaDownload {
    const contentType = media.contentType ?? 'application/octet-stream';
    const extension = EXTENSIONS[contentType] ?? 'bin';
    return { body, contentType, byteSize: byteSize ?? media.byteSize ?? undefined, fileName: `${media.id}.${extension}`, inline: isInline(contentType) };
  }

  return {
    /**
     * Returns a URL that downloads the file without an Authorization header, as an <img src>
     * needs, until it expires. It is absolute with PUBLIC_URL and a path on the API's origin without.
     */
    createDownloadUrl(viewer: Viewer, mediaId: string): string {
      const agent = requireAgent(viewer);
      const expires = Math.ceil((nowSeconds() + deps.config.media.downloadUrlTtlSeconds) / EXPIRY_STEP_SECONDS) * EXPIRY_STEP_SECONDS;
      const signature = signer.sign({ tenantId: agent.tenantId, mediaId, expires });
      const query = new URLSearchParams({ tenant: agent.tenantId, expires: String(expires), signature });
      return `${deps.config.publicUrlIsSet ? deps.config.publicUrl : ''}/media/${toGlobalId('Attachment', mediaId)}?${query.toString()}`;
    },

    /** Opens a stored file for an agent of the file's tenant. */
    openForAgent(viewer: Viewer, globalId: string): Promise<MediaDownload> {
      const agent = requireAgent(viewer);
      return openStored(agent.tenantId, parseMediaId(globalId), globalId);
    },

    /** Opens a stored file for the holder of a signed URL; returns when the URL expires, in Unix seconds. */
    async openWithSignature(globalId: string, request: SignedMediaRequest): Promise<MediaDownload & { expires: number }> {
      const mediaId = parseMediaId(globalId);
      const tenantId = request.tenant ?? '';
      const expires = Number(request.expires);
      if (!UUID_PATTERN.test(tenantId) || !request.expires || !/^\d+$/.test(request.expires)) throw invalidSignature();
      if (!signer.verify({ tenantId, mediaId, expires }, request.signature ?? '', nowSeconds())) throw invalidSignature();
      return { ...(await openStored(tenantId, mediaId, globalId)), expires };
    },
  };
}

export type MediaService = ReturnType<typeof createMediaService>;
