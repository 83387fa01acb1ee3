import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { MediaStorageStatus } from './enums.js';

@ObjectType({ description: "A file, location or link sent with a message. Parley keeps its own copy of inbound files, since providers' URLs expire." })
export class Attachment {
  @Field(() => ID, {
    nullable: true,
    description: "Id of Parley's copy of the file; null when Parley keeps no copy, as for locations and links.",
  })
  id!: string | null;

  /** The media_objects row id, for signing downloadUrl; not exposed. */
  mediaRowId!: string | null;

  @Field(() => String, { description: 'image, audio, video, file, location, fallback, sticker, template or unsupported.' })
  type!: string;

  @Field(() => String, {
    nullable: true,
    description: "The provider's URL, which expires after some hours; use downloadUrl for Parley's copy.",
  })
  url!: string | null;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field(() => Float, { nullable: true })
  latitude!: number | null;

  @Field(() => Float, { nullable: true })
  longitude!: number | null;

  @Field(() => String, { nullable: true })
  stickerId!: string | null;

  @Field(() => String, { nullable: true, description: 'MIME type: of the stored copy once STORED, else as the provider stated it.' })
  contentType!: string | null;

  @Field(() => Int, { nullable: true, description: 'Size of the stored copy in bytes.' })
  byteSize!: number | null;

  @Field(() => MediaStorageStatus, { nullable: true, description: "State of Parley's copy; null when Parley keeps no copy." })
  storageStatus!: string | null;

  @Field(() => Int, { nullable: true, description: 'Downloads tried so far.' })
  storageAttempts!: number | null;

  @Field(() => String, { nullable: true, description: 'Why the latest download failed; null once STORED.' })
  storageError!: string | null;
}
