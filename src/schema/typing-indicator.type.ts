import { Field, ID, ObjectType } from 'type-graphql';
import { TypingActor } from './enums.js';

@ObjectType({ description: 'Someone started or stopped typing in a conversation. Never stored.' })
export class TypingIndicator {
  @Field(() => ID)
  conversationId!: string;

  @Field(() => TypingActor)
  actor!: string;

  @Field(() => Boolean)
  isTyping!: boolean;
}
