import { Field, InputType } from 'type-graphql';

@InputType({ description: 'A new tenant with its first admin agent.' })
export class CreateTenantInput {
  @Field(() => String, { description: '1 to 63 lowercase letters, digits and dashes, not starting or ending with a dash.' })
  slug!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  adminEmail!: string;

  @Field(() => String, { description: 'At least 10 characters.' })
  adminPassword!: string;

  @Field(() => String, { nullable: true, description: "Defaults to the part of the email before the @." })
  adminName?: string | null;
}
