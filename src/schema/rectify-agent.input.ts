import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Corrections to an agent: leave a field out to keep it; pass [] to clear a list.' })
export class RectifyAgentInput {
  @Field(() => ID)
  agentId!: string;

  @Field(() => String, { nullable: true })
  displayName?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => [String], { nullable: true, description: 'BCP-47 language tags, such as "en" or "nl-BE"; stored in canonical form.' })
  languages?: string[] | null;

  @Field(() => [String], { nullable: true })
  skills?: string[] | null;
}
