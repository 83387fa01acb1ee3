import { sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import type { EventBus } from '../events/event-bus.js';

export interface HealthReport {
  status: 'ok' | 'degraded';
  database: 'ok' | 'unavailable';
  eventBus: 'ok' | 'unavailable';
}

const CHECK_TIMEOUT_MS = 2_000;

function withinTimeout<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_resolve, reject) => setTimeout(() => reject(new Error('health check timed out')), CHECK_TIMEOUT_MS).unref()),
  ]);
}

/** Checks that the database answers and the event bus is connected; used by load balancers. */
export async function checkHealth(db: Database, bus: EventBus): Promise<HealthReport> {
  const database = await withinTimeout(db.withSystem((tx) => tx.execute(sql`select 1`))).then(
    () => 'ok' as const,
    () => 'unavailable' as const,
  );
  const eventBus = bus.isConnected() ? 'ok' : 'unavailable';
  return { status: database === 'ok' && eventBus === 'ok' ? 'ok' : 'degraded', database, eventBus };
}
