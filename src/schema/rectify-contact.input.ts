import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Corrections to a contact: leave a field out to keep it, or pass null to clear it.' })
export class RectifyContactInput {
  @Field(() => ID)
  contactId!: string;

  @Field(() => String, { nullable: true })
  displayName?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'Digits with an optional leading +, such as +32 470 12 34 56.' })
  phone?: string | null;
}
