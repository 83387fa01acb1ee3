import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Channel } from '../schema/channel.type.js';
import type { RequestContext } from '../server/context.js';

@Resolver(() => Channel)
export class ChannelResolver {
  @FieldResolver(() => String, {
    description: "The absolute URL of the tenant's public privacy policy page, to enter where Meta asks for one.",
  })
  privacyPolicyUrl(@Root() channel: Channel, @Ctx() context: RequestContext): Promise<string> {
    return context.services.privacyPolicies.policyUrl(channel.tenantId);
  }
}
