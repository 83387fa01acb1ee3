import { Field, ID, InputType } from 'type-graphql';
import { OutboundAttachmentType } from './enums.js';

@InputType({ description: 'A file the provider downloads from a public URL and sends to the contact.' })
export class OutboundAttachmentInput {
  @Field(() => OutboundAttachmentType)
  type!: 'image' | 'audio' | 'video' | 'document';

  @Field(() => String, { description: 'Public http or https URL of the file.' })
  url!: string;

  @Field(() => String, { nullable: true, description: 'Shown under the file; at most 1024 characters, none for AUDIO.' })
  caption?: string | null;
}

@InputType()
export class SendMessageInput {
  @Field(() => ID)
  conversationId!: string;

  @Field(() => String, { nullable: true, description: 'The text; leave it out when sending an attachment with a caption.' })
  text?: string | null;

  @Field(() => [OutboundAttachmentInput], {
    nullable: true,
    description: 'Files to send by URL. WhatsApp takes one per message, without separate text; other channels none yet.',
  })
  attachments?: OutboundAttachmentInput[] | null;
}
