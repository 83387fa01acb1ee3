import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class SendPrivateReplyInput {
  @Field(() => ID, { description: "The visitor's comment whose author receives the reply." })
  messageId!: string;

  @Field(() => String)
  text!: string;
}
