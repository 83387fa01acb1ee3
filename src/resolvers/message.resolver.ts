import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Agent } from '../schema/agent.type.js';
import { fromGlobalId } from '../schema/global-id.js';
import { toAgent, toMessage } from '../schema/mappers.js';
import { Message } from '../schema/message.type.js';
import { SendMessageInput } from '../schema/send-message.input.js';
import type { RequestContext } from '../server/context.js';

@Resolver(() => Message)
export class MessageResolver {
  @Mutation(() => Message, {
    description:
      'Sends an agent reply and returns it once the provider answered: status SENT, or FAILED with the provider error.',
  })
  async sendMessage(
    @Arg('input', () => SendMessageInput) input: SendMessageInput,
    @Ctx() context: RequestContext,
  ): Promise<Message> {
    const conversationId = fromGlobalId('Conversation', input.conversationId, 'conversationId');
    return toMessage(await context.services.sendMessage(context.viewer, conversationId, input.text));
  }

  @FieldResolver(() => Agent, { nullable: true, description: 'The agent who wrote an AGENT message; always null for webchat visitors.' })
  async author(@Root() message: Message, @Ctx() context: RequestContext): Promise<Agent | null> {
    if (!message.authorAgentId) return null;
    const row = await context.services.directory.findMessageAuthor(context.viewer, message.authorAgentId);
    return row ? toAgent(row) : null;
  }
}
