import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { AllowOperators } from '../schema/access.js';
import { AuditEntryConnection } from '../schema/audit-entry.type.js';
import { toAuditEntry } from '../schema/mappers.js';
import type { RequestContext } from '../server/context.js';
import { auditCursor } from '../services/audit-log.service.js';

@Resolver()
export class AuditLogResolver {
  @AllowOperators()
  @Query(() => AuditEntryConnection, {
    description: "Privileged actions, newest first: a tenant's admins see their tenant's, operators see the platform's own.",
  })
  async auditLog(
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() context: RequestContext,
  ): Promise<AuditEntryConnection> {
    const page = await context.services.auditLog.list(context.viewer, { first, after });
    const edges = page.nodes.map((row) => ({ cursor: auditCursor(row), node: toAuditEntry(row) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: page.hasPreviousPage,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
    };
  }
}
