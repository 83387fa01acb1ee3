import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { fromGlobalId } from '../schema/global-id.js';
import type { RequestContext } from '../server/context.js';

@Resolver()
export class TypingResolver {
  @Mutation(() => Boolean, {
    description:
      "Tells the other side of a conversation that the viewer started or stopped typing; returns isTyping. Agents name the conversation; visitors always type in their own, and the argument is ignored for them.",
  })
  async setTyping(
    @Arg('isTyping', () => Boolean) isTyping: boolean,
    @Arg('conversationId', () => ID, { nullable: true }) conversationId: string | null,
    @Ctx() context: RequestContext,
  ): Promise<boolean> {
    const rowId =
      context.viewer.kind === 'agent' && conversationId ? fromGlobalId('Conversation', conversationId, 'conversationId') : undefined;
    return context.services.typing.setTyping(context.viewer, rowId, isTyping);
  }
}
