import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Agent } from '../schema/agent.type.js';
import { Channel } from '../schema/channel.type.js';
import { AgentRole } from '../schema/enums.js';
import { fromGlobalId } from '../schema/global-id.js';
import { toAgent, toChannel } from '../schema/mappers.js';
import { WhatsAppTemplate } from '../schema/whatsapp-template.type.js';
import type { RequestContext } from '../server/context.js';

@Resolver()
export class DirectoryResolver {
  @Query(() => [Agent], { description: "The tenant's agents, by display name." })
  async agents(@Ctx() context: RequestContext): Promise<Agent[]> {
    return (await context.services.directory.listAgents(context.viewer)).map(toAgent);
  }

  @Query(() => [Channel], { description: "The tenant's connected channels." })
  async channels(@Ctx() context: RequestContext): Promise<Channel[]> {
    return (await context.services.directory.listChannels(context.viewer)).map(toChannel);
  }

  @Mutation(() => Agent, { description: "Changes an agent's role. Admins only; the last admin cannot be demoted." })
  async updateAgentRole(
    @Arg('agentId', () => ID) agentId: string,
    @Arg('role', () => AgentRole) role: (typeof AgentRole)[keyof typeof AgentRole],
    @Ctx() context: RequestContext,
  ): Promise<Agent> {
    return toAgent(await context.services.agentRoles.updateRole(context.viewer, fromGlobalId('Agent', agentId, 'agentId'), role));
  }

  @Query(() => [WhatsAppTemplate], {
    description:
      "The message templates of a WhatsApp channel's business account, read from Meta on each call. " +
      'Only those with status APPROVED can be sent with sendTemplate.',
  })
  async whatsappTemplates(@Arg('channelId', () => ID) channelId: string, @Ctx() context: RequestContext): Promise<WhatsAppTemplate[]> {
    const templates = await context.services.listWhatsAppTemplates(context.viewer, fromGlobalId('Channel', channelId, 'channelId'));
    return templates.map((template) => Object.assign(new WhatsAppTemplate(), template));
  }
}
