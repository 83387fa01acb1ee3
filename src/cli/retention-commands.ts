import type { Config } from '../config/config.js';
import { findTenantBySlug } from '../db/queries/tenants.js';
import { notFound } from '../errors/app-error.js';
import { createRetentionService, type TenantPurgeResult } from '../services/retention.service.js';
import { UsageError, withPrivacyDependencies } from './cli-context.js';
import type { CliValues } from './data-subject-commands.js';

function describeResult(result: TenantPurgeResult, dryRun: boolean): string {
  const verb = dryRun ? 'would delete' : 'deleted';
  return (
    `tenant ${result.slug}: ${verb} ${result.conversations} conversations, ${result.messages} messages, ` +
    `${result.contacts} contacts without conversations, ${result.mediaObjects} attachment rows ` +
    `(${result.storedFiles} stored files), ${result.pendingMessageUpdates} pending updates\n`
  );
}

/** Runs `parley retention purge [--tenant SLUG] [--dry-run]`, printing one line per tenant as it finishes. */
export async function runRetentionCommand(config: Config, action: string | undefined, values: CliValues): Promise<number> {
  if (action !== 'purge') throw new UsageError(`Unknown command "retention ${action ?? ''}"; use retention purge.`);
  const tenantSlug = typeof values.tenant === 'string' && values.tenant !== '' ? values.tenant : undefined;
  const dryRun = values['dry-run'] === true;

  return withPrivacyDependencies(config, async (deps) => {
    if (tenantSlug && !(await deps.db.withSystem((tx) => findTenantBySlug(tx, tenantSlug)))) throw notFound('Tenant', tenantSlug);
    process.stdout.write(`${dryRun ? 'Dry run: counting' : 'Purging'} what is past the retention periods${tenantSlug ? ` of tenant ${tenantSlug}` : ''}.\n`);
    const results = await createRetentionService(deps).purge({
      tenantSlug,
      dryRun,
      onTenantDone: (result) => process.stdout.write(describeResult(result, dryRun)),
    });
    if (results.length === 0) {
      process.stdout.write(tenantSlug ? `Tenant ${tenantSlug} has no retention period; it keeps everything.\n` : 'No tenant has a retention period.\n');
    }
    process.stdout.write(`Done: ${results.length} tenants with a retention period checked.\n`);
    return 0;
  });
}
