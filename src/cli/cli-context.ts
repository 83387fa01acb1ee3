import { destination } from 'pino';
import type { AgentViewer } from '../auth/viewer.js';
import type { Config } from '../config/config.js';
import { openDatabase, type Database } from '../db/database.js';
import { findAgentByEmail } from '../db/queries/agents.js';
import { findTenantBySlug } from '../db/queries/tenants.js';
import { notFound } from '../errors/app-error.js';
import type { EventBus } from '../events/event-bus.js';
import { createMemoryEventBus } from '../events/memory-event-bus.js';
import { createRedisEventBus } from '../events/redis-event-bus.js';
import { createLogger } from '../logger.js';
import { isErasedAgent } from '../privacy/erased-agent.js';
import { createRedisPersonalKeyStore, noPersonalKeys } from '../privacy/personal-keys.js';
import type { PrivacyDependencies } from '../services/dependencies.js';

/** Thrown for a wrong command line; the CLI prints it with the usage text. */
export class UsageError extends Error {}

export function requiredOption(values: Record<string, string | string[] | boolean | undefined>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`Missing --${name}.`);
  return value;
}

/**
 * Opens what privacy commands need, as the server has it: the database, and with REDIS_URL the
 * Redis event bus (so live servers hear of changes) and Redis for personal keys. Logs go to
 * stderr so stdout carries only the command's output.
 */
export async function withPrivacyDependencies<T>(config: Config, work: (deps: PrivacyDependencies) => Promise<T>): Promise<T> {
  const log = createLogger(config.logLevel, destination(2));
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  let bus: EventBus | undefined;
  let personalKeys = noPersonalKeys;
  try {
    await db.migrate();
    bus = config.redisUrl ? await createRedisEventBus(config.redisUrl, log) : createMemoryEventBus(log);
    personalKeys = config.redisUrl ? await createRedisPersonalKeyStore(config.redisUrl, log) : noPersonalKeys;
    // No media store yet, as in createApp.
    return await work({ db, bus, log, personalKeys, attachmentFiles: undefined });
  } finally {
    await personalKeys.close();
    await bus?.close();
    await db.close();
  }
}

/**
 * Resolves the admin a command acts for, by tenant slug and email. The services check the role,
 * so a non-admin gets the same FORBIDDEN as over GraphQL.
 */
export async function findRequestingAgent(db: Database, tenantSlug: string, email: string): Promise<AgentViewer> {
  const tenant = await db.withSystem((tx) => findTenantBySlug(tx, tenantSlug));
  if (!tenant) throw notFound('Tenant', tenantSlug);
  const agent = await db.withTenant(tenant.id, (tx) => findAgentByEmail(tx, email));
  if (!agent || isErasedAgent(agent)) throw notFound(`Agent with email ${email} in tenant`, tenantSlug);
  return { kind: 'agent', tenantId: tenant.id, agentId: agent.id, role: agent.role };
}
