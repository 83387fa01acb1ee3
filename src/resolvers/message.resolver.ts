import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Agent } from '../schema/agent.type.js';
import { Contact } from '../schema/contact.type.js';
import { fromGlobalId } from '../schema/global-id.js';
import { toAgent, toContact, toMessage } from '../schema/mappers.js';
import { Message } from '../schema/message.type.js';
import { SendMessageInput } from '../schema/send-message.input.js';
import { SendTemplateInput } from '../schema/send-template.input.js';
import type { RequestContext } from '../server/context.js';

@Resolver(() => Message)
export class MessageResolver {
  @Mutation(() => Message, {
    description:
      'Sends an agent reply and returns it once the provider answered: status SENT, or FAILED with the provider error. ' +
      'On WhatsApp it fails with REPLY_WINDOW_CLOSED once replyWindowClosesAt has passed; send a template then.',
  })
  async sendMessage(
    @Arg('input', () => SendMessageInput) input: SendMessageInput,
    @Ctx() context: RequestContext,
  ): Promise<Message> {
    const conversationId = fromGlobalId('Conversation', input.conversationId, 'conversationId');
    const row = await context.services.sendMessage(context.viewer, {
      conversationId,
      text: input.text,
      attachments: input.attachments?.map((attachment) => ({
        type: attachment.type,
        url: attachment.url,
        ...(attachment.caption ? { caption: attachment.caption } : {}),
      })),
    });
    return toMessage(row);
  }

  @Mutation(() => Message, {
    description: 'Sends an APPROVED WhatsApp message template; allowed also after the reply window closed.',
  })
  async sendTemplate(
    @Arg('input', () => SendTemplateInput) input: SendTemplateInput,
    @Ctx() context: RequestContext,
  ): Promise<Message> {
    const row = await context.services.sendTemplate(context.viewer, {
      conversationId: fromGlobalId('Conversation', input.conversationId, 'conversationId'),
      name: input.name,
      languageCode: input.languageCode,
      components: input.components ?? [],
    });
    return toMessage(row);
  }

  @FieldResolver(() => Agent, { nullable: true, description: 'The agent who wrote an AGENT message; always null for webchat visitors.' })
  async author(@Root() message: Message, @Ctx() context: RequestContext): Promise<Agent | null> {
    if (!message.authorAgentId) return null;
    const row = await context.services.directory.findMessageAuthor(context.viewer, message.authorAgentId);
    return row ? toAgent(row) : null;
  }

  @FieldResolver(() => Contact, {
    nullable: true,
    description:
      "The contact who wrote a reply under another visitor's comment. Null when the author is the conversation's contact.",
  })
  async authorContact(@Root() message: Message, @Ctx() context: RequestContext): Promise<Contact | null> {
    if (!message.authorContactId) return null;
    const row = await context.services.directory.findContact(context.viewer, message.authorContactId);
    return row ? toContact(row) : null;
  }
}
