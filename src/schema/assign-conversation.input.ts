import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class AssignConversationInput {
  @Field(() => ID)
  conversationId!: string;

  @Field(() => ID, { nullable: true, description: 'The agent to assign; null unassigns.' })
  assigneeId?: string | null;
}
