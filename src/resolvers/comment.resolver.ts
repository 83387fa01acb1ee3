import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { fromGlobalId } from '../schema/global-id.js';
import { toMessage } from '../schema/mappers.js';
import { Message } from '../schema/message.type.js';
import { SendPrivateReplyInput } from '../schema/send-private-reply.input.js';
import type { RequestContext } from '../server/context.js';

// Agent actions on a visitor's comment (a Message in a COMMENT_THREAD conversation). A rejection
// by Meta is a PROVIDER_ERROR carrying Meta's code, except for sendPrivateReply, which returns the
// reply FAILED as sendMessage does.
@Resolver()
export class CommentResolver {
  @Mutation(() => Message, { description: 'Hides a comment on the page or Instagram media; its author still sees it.' })
  async hideComment(@Arg('messageId', () => ID) messageId: string, @Ctx() context: RequestContext): Promise<Message> {
    const id = fromGlobalId('Message', messageId, 'messageId');
    return toMessage(await context.services.commentActions.setHidden(context.viewer, id, true));
  }

  @Mutation(() => Message, { description: 'Shows a hidden comment again.' })
  async unhideComment(@Arg('messageId', () => ID) messageId: string, @Ctx() context: RequestContext): Promise<Message> {
    const id = fromGlobalId('Message', messageId, 'messageId');
    return toMessage(await context.services.commentActions.setHidden(context.viewer, id, false));
  }

  @Mutation(() => Message, { description: 'Likes a comment as the page (Facebook Page comments only).' })
  async likeComment(@Arg('messageId', () => ID) messageId: string, @Ctx() context: RequestContext): Promise<Message> {
    const id = fromGlobalId('Message', messageId, 'messageId');
    return toMessage(await context.services.commentActions.like(context.viewer, id));
  }

  @Mutation(() => Message, {
    description:
      "Sends one private message to a comment's author, in their Messenger or Instagram inbox, and returns it SENT or FAILED. " +
      'Meta allows one per comment: a second one fails with PRIVATE_REPLY_ALREADY_SENT.',
  })
  async sendPrivateReply(
    @Arg('input', () => SendPrivateReplyInput) input: SendPrivateReplyInput,
    @Ctx() context: RequestContext,
  ): Promise<Message> {
    const id = fromGlobalId('Message', input.messageId, 'messageId');
    return toMessage(await context.services.sendPrivateReply(context.viewer, id, input.text));
  }
}
