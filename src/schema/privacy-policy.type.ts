import { Field, GraphQLISODateTime, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: "One locale's text of a privacy policy version." })
export class PrivacyPolicyText {
  @Field(() => String, { description: 'Language tag, such as en or nl.' })
  locale!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { description: 'Plain text or limited Markdown: headings, lists, bold, italic and http(s) or mailto links.' })
  body!: string;
}

@ObjectType({ description: "A published version of the tenant's privacy policy." })
export class PrivacyPolicy {
  @Field(() => Int, { description: 'Starts at 1 and grows by one with every publication.' })
  version!: number;

  @Field(() => GraphQLISODateTime)
  publishedAt!: Date;

  @Field(() => String, { description: 'The public page showing the policy.' })
  url!: string;

  @Field(() => [PrivacyPolicyText], { description: 'One text per locale, by locale.' })
  texts!: PrivacyPolicyText[];
}
