import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { openDatabase } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import { createTenantAdminService, type CreatedWebchatChannel } from '../services/tenant-admin.service.js';
import { DEMO } from '../services/demo-seed.js';
import { sendSampleWebhook } from './webhook-sample.js';

const USAGE = `Usage: parley <command> [options]

Commands:
  migrate
      Applies pending database migrations to DATABASE_URL (or the embedded database in DATA_DIR).
  tenant create --slug SLUG --name NAME --admin-email EMAIL --admin-password PASSWORD [--admin-name NAME]
      Creates a tenant and its first admin agent.
  channel create --tenant SLUG --kind messenger|facebook_page --page-id ID --access-token TOKEN [--name NAME]
      Connects a Facebook page's Messenger inbox or its post comments to a tenant.
  channel create --tenant SLUG --kind webchat --name NAME --allowed-origin URL [--allowed-origin URL ...]
                 [--greeting TEXT] [--bot-url URL]
      Creates a website chat and prints its public widget key and embed code. --allowed-origin is
      a site that may embed the chat, such as https://www.example.com (repeat it for each site);
      --greeting is the first message the widget shows; --bot-url receives each visitor message
      until a human takes over, and the bot secret that signs both directions is printed once.
  webhook sample [--url URL] [--page-id ID] [--visitor-id ID] [--text TEXT]
      Posts a Messenger text webhook signed with META_APP_SECRET to a running server
      (default URL http://127.0.0.1:PORT, default page the demo page).
`;

class UsageError extends Error {}

function formatWebchatChannel(created: CreatedWebchatChannel, publicUrl: string | undefined): string {
  const { channel, settings, botSecret } = created;
  const host = publicUrl ?? 'https://YOUR-PARLEY-HOST';
  const lines = [
    `Created webchat channel "${channel.name}" (${channel.id}).`,
    `Public widget key: ${channel.publicKey}`,
    `Allowed origins: ${settings.allowedOrigins.join(', ')}`,
    '',
    'Paste this before </body> on every page of those sites:',
    `  <script src="${host}/widget.js" data-parley-key="${channel.publicKey}" async></script>`,
  ];
  if (botSecret) {
    lines.push(
      '',
      `Bot URL: ${settings.botUrl}`,
      `Bot secret (shown only now; store it with the bot): ${botSecret}`,
      `The bot answers on POST ${host}/webchat/bot/${channel.id}/messages, signed the same way.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function required(values: Record<string, string | string[] | boolean | undefined>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`Missing --${name}.`);
  return value;
}

async function withTenantAdmin<T>(config: Config, work: (admin: ReturnType<typeof createTenantAdminService>) => Promise<T>) {
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await db.migrate();
    return await work(createTenantAdminService(db));
  } finally {
    await db.close();
  }
}

async function run(argv: string[]): Promise<number> {
  const [command, subcommand] = argv;
  const config = loadConfig();
  const options = {
    slug: { type: 'string' },
    name: { type: 'string' },
    'admin-email': { type: 'string' },
    'admin-password': { type: 'string' },
    'admin-name': { type: 'string' },
    tenant: { type: 'string' },
    kind: { type: 'string' },
    'page-id': { type: 'string' },
    'access-token': { type: 'string' },
    'allowed-origin': { type: 'string', multiple: true },
    greeting: { type: 'string' },
    'bot-url': { type: 'string' },
    url: { type: 'string' },
    'visitor-id': { type: 'string' },
    text: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const;

  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return 0;
  }

  const rest = command === 'migrate' ? argv.slice(1) : argv.slice(2);
  const { values } = parseArgs({ args: rest, options, strict: true, allowPositionals: false });

  if (command === 'migrate') {
    await withTenantAdmin(config, async () => undefined);
    process.stdout.write('Migrations applied.\n');
    return 0;
  }

  if (command === 'tenant' && subcommand === 'create') {
    const { tenant, admin } = await withTenantAdmin(config, (service) =>
      service.createTenant({
        slug: required(values, 'slug'),
        name: required(values, 'name'),
        adminEmail: required(values, 'admin-email'),
        adminPassword: required(values, 'admin-password'),
        ...(values['admin-name'] ? { adminName: values['admin-name'] } : {}),
      }),
    );
    process.stdout.write(`Created tenant "${tenant.slug}" (${tenant.id}) with admin ${admin.email}.\n`);
    return 0;
  }

  if (command === 'channel' && subcommand === 'create' && values.kind === 'webchat') {
    const allowedOrigins = values['allowed-origin'] ?? [];
    if (allowedOrigins.length === 0) throw new UsageError('Missing --allowed-origin: name each site that embeds the chat.');
    const created = await withTenantAdmin(config, (service) =>
      service.createWebchatChannel({
        tenantSlug: required(values, 'tenant'),
        name: required(values, 'name'),
        allowedOrigins,
        greeting: values.greeting,
        botUrl: values['bot-url'],
      }),
    );
    process.stdout.write(formatWebchatChannel(created, config.publicUrl));
    return 0;
  }

  if (command === 'channel' && subcommand === 'create') {
    const kind = required(values, 'kind');
    if (kind !== 'messenger' && kind !== 'facebook_page') {
      throw new UsageError(`--kind must be messenger, facebook_page or webchat; got "${kind}".`);
    }
    const channel = await withTenantAdmin(config, (service) =>
      service.createChannel({
        tenantSlug: required(values, 'tenant'),
        kind,
        externalId: required(values, 'page-id'),
        accessToken: required(values, 'access-token'),
        ...(values.name ? { name: values.name } : {}),
      }),
    );
    process.stdout.write(`Connected ${channel.kind} channel for page ${channel.externalId} (${channel.id}).\n`);
    return 0;
  }

  if (command === 'webhook' && subcommand === 'sample') {
    const result = await sendSampleWebhook({
      baseUrl: values.url ?? `http://127.0.0.1:${config.port}`,
      appSecret: config.metaAppSecret,
      pageId: values['page-id'] ?? DEMO.pageId,
      visitorId: values['visitor-id'] ?? '9000000000000001',
      text: values.text ?? 'Hello! I have a question about my order.',
    });
    process.stdout.write(`Server answered HTTP ${result.status}: ${result.body}\n`);
    return result.status === 200 ? 0 : 1;
  }

  throw new UsageError(`Unknown command "${[command, subcommand].filter(Boolean).join(' ')}".`);
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (error instanceof AppError || error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`parley failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
