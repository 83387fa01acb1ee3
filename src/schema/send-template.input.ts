import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'An approved WhatsApp message template to send, with values for its placeholders.' })
export class SendTemplateInput {
  @Field(() => ID)
  conversationId!: string;

  @Field(() => String, { description: "The template's name, as whatsappTemplates lists it." })
  name!: string;

  @Field(() => String, { description: "The template's language code, such as en_US." })
  languageCode!: string;

  @Field(() => [GraphQLJSONObject], {
    nullable: true,
    description: 'Component objects in the Cloud API format, such as { "type": "body", "parameters": [{ "type": "text", "text": "Ada" }] }.',
  })
  components?: Record<string, unknown>[] | null;
}
