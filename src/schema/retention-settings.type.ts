import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: "How long the tenant keeps conversations and attachment files; null keeps them forever." })
export class RetentionSettings {
  @Field(() => Int, { nullable: true, description: 'Days after a conversation\'s last activity before it is deleted with its messages.' })
  conversationDays!: number | null;

  @Field(() => Int, { nullable: true, description: 'Days after an attachment file was stored before it is deleted.' })
  attachmentDays!: number | null;
}
