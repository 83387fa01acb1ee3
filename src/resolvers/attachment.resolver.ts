import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Attachment } from '../schema/attachment.type.js';
import type { RequestContext } from '../server/context.js';

@Resolver(() => Attachment)
export class AttachmentResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description:
      "A signed URL of Parley's copy that works without an Authorization header, as in <img src>, for MEDIA_URL_TTL_SECONDS " +
      '(15 minutes by default); query it again for a fresh one. Absolute when the server has PUBLIC_URL, else a path on ' +
      "the API's origin. Null until storageStatus is STORED.",
  })
  downloadUrl(@Root() attachment: Attachment, @Ctx() context: RequestContext): string | null {
    if (attachment.storageStatus !== 'stored' || !attachment.mediaRowId) return null;
    return context.services.media.createDownloadUrl(context.viewer, attachment.mediaRowId);
  }
}
