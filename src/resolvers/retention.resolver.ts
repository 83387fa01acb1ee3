import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { toRetentionSettings } from '../schema/mappers.js';
import { RetentionSettings } from '../schema/retention-settings.type.js';
import type { RequestContext } from '../server/context.js';

@Resolver()
export class RetentionResolver {
  @Query(() => RetentionSettings, { description: "The tenant's retention periods. Admins only." })
  async retentionSettings(@Ctx() context: RequestContext): Promise<RetentionSettings> {
    return toRetentionSettings(await context.services.retention.getRetention(context.viewer));
  }

  @Mutation(() => RetentionSettings, {
    description: 'Sets how many days conversations and attachment files are kept (1 to 36500); null or omitted keeps them forever. Admins only.',
  })
  async setRetention(
    @Arg('conversationDays', () => Int, { nullable: true }) conversationDays: number | null | undefined,
    @Arg('attachmentDays', () => Int, { nullable: true }) attachmentDays: number | null | undefined,
    @Ctx() context: RequestContext,
  ): Promise<RetentionSettings> {
    const row = await context.services.retention.setRetention(context.viewer, conversationDays ?? null, attachmentDays ?? null);
    return toRetentionSettings(row);
  }
}
