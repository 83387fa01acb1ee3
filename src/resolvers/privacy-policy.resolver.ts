import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { toPrivacyPolicy } from '../schema/mappers.js';
import { PrivacyPolicyTextInput } from '../schema/privacy-policy-text.input.js';
import { PrivacyPolicy } from '../schema/privacy-policy.type.js';
import type { RequestContext } from '../server/context.js';
import { requireAgent } from '../services/authorization.js';

@Resolver()
export class PrivacyPolicyResolver {
  @Query(() => PrivacyPolicy, { nullable: true, description: "The tenant's current privacy policy; null until one is published." })
  async privacyPolicy(@Ctx() context: RequestContext): Promise<PrivacyPolicy | null> {
    const policy = await context.services.privacyPolicies.current(context.viewer);
    if (!policy) return null;
    const url = await context.services.privacyPolicies.policyUrl(requireAgent(context.viewer).tenantId);
    return toPrivacyPolicy(policy, url);
  }

  @Mutation(() => PrivacyPolicy, {
    description: 'Publishes the next version of the privacy policy, with one text for each of en, nl, fr and de at least. Admins only.',
  })
  async publishPrivacyPolicy(
    @Arg('texts', () => [PrivacyPolicyTextInput]) texts: PrivacyPolicyTextInput[],
    @Ctx() context: RequestContext,
  ): Promise<PrivacyPolicy> {
    const policy = await context.services.privacyPolicies.publish(context.viewer, texts);
    const url = await context.services.privacyPolicies.policyUrl(requireAgent(context.viewer).tenantId);
    return toPrivacyPolicy(policy, url);
  }
}
