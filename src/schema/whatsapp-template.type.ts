import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: "A message template of a WhatsApp channel's business account, as Meta lists it." })
export class WhatsAppTemplate {
  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'Language and locale code, such as en_US.' })
  language!: string;

  @Field(() => String, {
    description: "Meta's review state: APPROVED, PENDING, REJECTED, PAUSED or DISABLED. Only APPROVED templates can be sent with sendTemplate.",
  })
  status!: string;

  @Field(() => String, { description: 'MARKETING, UTILITY or AUTHENTICATION.' })
  category!: string;

  @Field(() => [GraphQLJSONObject], { description: 'Header, body, footer and buttons, in the Cloud API format.' })
  components!: Record<string, unknown>[];
}
