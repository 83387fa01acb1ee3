import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The name and email a webchat visitor gave in the widget.' })
export class VisitorProfile {
  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;
}
