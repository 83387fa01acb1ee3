import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { AppError } from '../errors/app-error.js';
import { AllowOperators } from '../schema/access.js';
import { Agent } from '../schema/agent.type.js';
import { LoginPayload } from '../schema/login.payload.js';
import { toAgent } from '../schema/mappers.js';
import type { RequestContext } from '../server/context.js';

@Resolver()
export class AuthResolver {
  // Open to everyone, operators included: it needs an agent's own credentials and returns nothing else.
  @AllowOperators()
  @Mutation(() => LoginPayload, { description: "Logs an agent in with the tenant's slug, email and password." })
  async login(
    @Arg('tenant', () => String) tenant: string,
    @Arg('email', () => String) email: string,
    @Arg('password', () => String) password: string,
    @Ctx() context: RequestContext,
  ): Promise<LoginPayload> {
    const result = await context.services.auth.login(tenant, email, password, context.clientAddress).catch((error: unknown) => {
      // Counted by code only: the email and slug someone typed stay out of the logs.
      if (error instanceof AppError) context.log.warn({ code: error.code }, 'agent login failed');
      throw error;
    });
    context.log.info({ tenantId: result.agent.tenantId, agentId: result.agent.id }, 'agent logged in');
    return Object.assign(new LoginPayload(), { token: result.token, expiresAt: result.expiresAt, agent: toAgent(result.agent) });
  }

  @Query(() => Agent, { description: 'The agent the access token belongs to.' })
  async me(@Ctx() context: RequestContext): Promise<Agent> {
    return toAgent(await context.services.directory.me(context.viewer));
  }
}
