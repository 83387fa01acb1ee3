import { Field, InputType } from 'type-graphql';

@InputType()
export class PrivacyPolicyTextInput {
  @Field(() => String, { description: 'Language tag such as en, nl, fr, de or fr-BE.' })
  locale!: string;

  @Field(() => String, { description: 'At most 200 characters.' })
  title!: string;

  @Field(() => String, { description: 'Plain text or limited Markdown; at most 100000 characters.' })
  body!: string;
}
