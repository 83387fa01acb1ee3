import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { AppError } from '../errors/app-error.js';
import { AllowOperators } from '../schema/access.js';
import { CreateTenantInput } from '../schema/create-tenant.input.js';
import { DeleteTenantPayload } from '../schema/delete-tenant.payload.js';
import { fromGlobalId, toGlobalId } from '../schema/global-id.js';
import { toOperator, toTenant } from '../schema/mappers.js';
import { OperatorLoginPayload } from '../schema/operator-login.payload.js';
import { Tenant } from '../schema/tenant.type.js';
import type { RequestContext } from '../server/context.js';

/** The platform operator's API: tenants' lifecycle and usage, never their content. */
@Resolver()
export class OperatorResolver {
  @AllowOperators()
  @Mutation(() => OperatorLoginPayload, { description: 'Logs a platform operator in; the token works for the operator API only.' })
  async operatorLogin(
    @Arg('email', () => String) email: string,
    @Arg('password', () => String) password: string,
    @Ctx() context: RequestContext,
  ): Promise<OperatorLoginPayload> {
    const result = await context.services.auth.operatorLogin(email, password, context.clientAddress).catch((error: unknown) => {
      if (error instanceof AppError) context.log.warn({ code: error.code }, 'operator login failed');
      throw error;
    });
    context.log.info({ operatorId: result.operator.id }, 'operator logged in');
    return Object.assign(new OperatorLoginPayload(), {
      token: result.token,
      expiresAt: result.expiresAt,
      operator: toOperator(result.operator),
    });
  }

  @AllowOperators()
  @Query(() => [Tenant], { description: 'Every tenant with aggregate usage, oldest first. Operators only.' })
  async tenants(@Ctx() context: RequestContext): Promise<Tenant[]> {
    return (await context.services.operatorTenants.listTenants(context.viewer)).map(toTenant);
  }

  @AllowOperators()
  @Mutation(() => Tenant, { description: 'Creates a tenant with its first admin. Operators only.' })
  async createTenant(@Arg('input', () => CreateTenantInput) input: CreateTenantInput, @Ctx() context: RequestContext): Promise<Tenant> {
    const row = await context.services.operatorTenants.createTenant(context.viewer, {
      slug: input.slug,
      name: input.name,
      adminEmail: input.adminEmail,
      adminPassword: input.adminPassword,
      ...(input.adminName ? { adminName: input.adminName } : {}),
    });
    return toTenant(row);
  }

  @AllowOperators()
  @Mutation(() => Tenant, {
    description: "Suspends a tenant: its agents are locked out and its webhooks are acknowledged but not stored. Operators only.",
  })
  async suspendTenant(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext): Promise<Tenant> {
    return toTenant(await context.services.operatorTenants.suspendTenant(context.viewer, fromGlobalId('Tenant', id)));
  }

  @AllowOperators()
  @Mutation(() => Tenant, { description: 'Lifts a suspension. Operators only.' })
  async reactivateTenant(@Arg('id', () => ID) id: string, @Ctx() context: RequestContext): Promise<Tenant> {
    return toTenant(await context.services.operatorTenants.reactivateTenant(context.viewer, fromGlobalId('Tenant', id)));
  }

  @AllowOperators()
  @Mutation(() => DeleteTenantPayload, {
    description: "Deletes a tenant and all of its data, irreversibly. confirmSlug must repeat the tenant's slug. Operators only.",
  })
  async deleteTenant(
    @Arg('id', () => ID) id: string,
    @Arg('confirmSlug', () => String) confirmSlug: string,
    @Ctx() context: RequestContext,
  ): Promise<DeleteTenantPayload> {
    const deleted = await context.services.operatorTenants.deleteTenant(context.viewer, fromGlobalId('Tenant', id), confirmSlug);
    return Object.assign(new DeleteTenantPayload(), { deletedTenantId: toGlobalId('Tenant', deleted.id), slug: deleted.slug });
  }
}
