import { ConfigError, loadConfig } from './config/config.js';
import { DataDirInUseError } from './db/data-dir-lock.js';
import { createLogger } from './logger.js';
import { createApp } from './server/app.js';
import { DEMO, seedDemoTenantIfEmpty } from './services/demo-seed.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  if (config.usesDevelopmentSecrets) {
    log.warn('JWT_SECRET, META_APP_SECRET, META_VERIFY_TOKEN or ENCRYPTION_KEYS is not set; using development defaults that are not secret');
  }

  const app = await createApp(config, log);
  // The demo admin's password is public, so production never gets one.
  const seeded = config.isProduction ? false : await seedDemoTenantIfEmpty(app.db, app.services.tenantAdmin);
  const url = await app.listen();

  process.stdout.write(
    [
      '',
      `Parley is listening on ${url}/graphql (HTTP and WebSocket)`,
      `Database: ${app.db.driver === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'}; event bus: ${config.redisUrl ? 'Redis' : 'in-process'}`,
      ...(seeded
        ? [
            '',
            'Created a demo tenant. Log in with:',
            `  curl -s ${url}/graphql -H 'content-type: application/json' \\`,
            `    -d '{"query":"mutation { login(tenant: \\"${DEMO.tenantSlug}\\", email: \\"${DEMO.adminEmail}\\", password: \\"${DEMO.adminPassword}\\") { token } }"}'`,
            'Send a signed sample Messenger webhook to the demo page:',
            `  npm run parley -- webhook sample --url ${url} --text "Hello from the demo"`,
          ]
        : []),
      '',
    ].join('\n'),
  );

  const shutdown = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

/** Returns an error's message with its causes, such as the driver's reason behind drizzle's "Failed query". */
function describeStartupError(error: unknown): string {
  if (error instanceof DataDirInUseError) return error.message;
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 4; depth += 1) {
    lines.push(depth === 0 ? current.message.split('\n')[0]! : `caused by: ${current.message}`);
    current = current.cause;
  }
  return lines.length > 0 ? lines.join('\n  ') : String(error);
}

main().catch((error: unknown) => {
  process.stderr.write(`Parley failed to start: ${describeStartupError(error)}\n`);
  process.exit(1);
});
