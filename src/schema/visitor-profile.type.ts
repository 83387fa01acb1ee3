import { Field, ObjectType } from 'type-graphql';

@ObjectType({ description: 'What a webchat visitor told about itself in the widget.' })
export class VisitorProfile {
  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;
}
