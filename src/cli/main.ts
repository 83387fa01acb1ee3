import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { DataDirInUseError } from '../db/data-dir-lock.js';
import { openDatabase } from '../db/database.js';
import { AppError } from '../errors/app-error.js';
import type { Database } from '../db/database.js';
import { createKeyring, type Keyring } from '../secrets/keyring.js';
import { createOperator } from '../services/create-operator.js';
import { rotateChannelSecrets } from '../services/secrets-rotation.service.js';
import { createTenantAdminService, type CreatedWebchatChannel, type TenantAdminService } from '../services/tenant-admin.service.js';
import { DEMO } from '../services/demo-seed.js';
import { requiredOption as required, UsageError } from './cli-context.js';
import { runDataSubjectCommand } from './data-subject-commands.js';
import { runRetentionCommand } from './retention-commands.js';
import { sendSampleWebhook } from './webhook-sample.js';

const USAGE = `Usage: parley <command> [options]

Commands:
  migrate
      Applies pending database migrations to DATABASE_URL (or the embedded database in DATA_DIR).
  tenant create --slug SLUG --name NAME --admin-email EMAIL --admin-password PASSWORD [--admin-name NAME]
      Creates a tenant and its first admin agent.
  channel create --tenant SLUG --kind messenger|facebook_page --page-id ID --access-token TOKEN [--name NAME]
      Connects a Facebook page's Messenger inbox or its post comments to a tenant.
  operator create --email EMAIL --password PASSWORD [--name NAME]
      Creates a platform operator, who manages tenants through the operatorLogin mutation and
      the operator API but cannot read tenants' contacts, conversations or messages.
  secrets rotate
      Re-encrypts every channel secret with the first key of ENCRYPTION_KEYS (and encrypts any
      still stored in plain text). Run it after putting a new key first; then drop the old key.
  channel create --tenant SLUG --kind instagram --account-id ID --access-token TOKEN [--name NAME]
      Connects an Instagram professional account's direct messages and media comments to a tenant;
      ID is the account id Meta sends as entry.id in Instagram webhooks.
  channel create --tenant SLUG --kind whatsapp --phone-number-id ID --business-account-id ID --access-token TOKEN [--name NAME]
      Connects a WhatsApp Business phone number to a tenant. The business account id (WABA id) is
      where its message templates are listed; the token is a system user token with WhatsApp access.
  channel create --tenant SLUG --kind webchat --name NAME --allowed-origin URL [--allowed-origin URL ...]
                 [--greeting TEXT] [--bot-url URL]
      Creates a website chat and prints its public widget key and embed code. --allowed-origin is
      a site that may embed the chat, such as https://www.example.com (repeat it for each site);
      --greeting is the first message the widget shows; --bot-url receives each visitor message
      until a human takes over, and the bot secret that signs both directions is printed once.
  webhook sample [--url URL] [--page-id ID] [--visitor-id ID] [--text TEXT]
      Posts a Messenger text webhook signed with META_APP_SECRET to a running server
      (default URL http://127.0.0.1:PORT, default page the demo page).

Data-subject requests, made for the tenant admin whose email --requested-by gives
(other roles get FORBIDDEN); each one is recorded in data_subject_requests and the audit log.
ID is the row id (uuid) or the GraphQL global id.
  contact export --tenant SLUG --contact-id ID --requested-by EMAIL [--format json|html] [--output FILE]
      Writes everything Parley holds about the contact to stdout, or to FILE.
  contact rectify --tenant SLUG --contact-id ID --requested-by EMAIL [--display-name NAME] [--email EMAIL] [--phone PHONE]
      Corrects the given fields; an empty value clears the field.
  contact erase --tenant SLUG --contact-id ID --requested-by EMAIL
      Irreversibly deletes the contact with identities, conversations, messages and files.
  agent export --tenant SLUG --agent-id ID --requested-by EMAIL [--format json|html] [--output FILE]
  agent rectify --tenant SLUG --agent-id ID --requested-by EMAIL [--display-name NAME] [--email EMAIL]
      [--languages en,nl-BE] [--skills billing,returns]
      Corrects the given fields; languages are BCP-47 tags, and an empty list clears the field.
  agent erase --tenant SLUG --agent-id ID --requested-by EMAIL
      Anonymises the agent: messages stay as "Former agent", and the agent can no longer log in.

Retention:
  retention purge [--tenant SLUG] [--dry-run]
      Deletes conversations, attachment files and contacts past each tenant's retention periods,
      printing counts per tenant; --dry-run only counts. The server also runs it every
      RETENTION_INTERVAL_SECONDS.
`;

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

async function withDatabase<T>(config: Config, work: (db: Database, keyring: Keyring) => Promise<T>) {
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await db.migrate();
    return await work(db, createKeyring(config.encryptionKeys));
  } finally {
    await db.close();
  }
}

function withTenantAdmin<T>(config: Config, work: (admin: TenantAdminService) => Promise<T>) {
  return withDatabase(config, (db, keyring) => work(createTenantAdminService({ db, keyring })));
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
    'phone-number-id': { type: 'string' },
    'account-id': { type: 'string' },
    'business-account-id': { type: 'string' },
    'access-token': { type: 'string' },
    'allowed-origin': { type: 'string', multiple: true },
    greeting: { type: 'string' },
    'bot-url': { type: 'string' },
    url: { type: 'string' },
    'visitor-id': { type: 'string' },
    text: { type: 'string' },
    email: { type: 'string' },
    password: { type: 'string' },
    'contact-id': { type: 'string' },
    'agent-id': { type: 'string' },
    'requested-by': { type: 'string' },
    format: { type: 'string' },
    output: { type: 'string' },
    'display-name': { type: 'string' },
    phone: { type: 'string' },
    languages: { type: 'string' },
    skills: { type: 'string' },
    'dry-run': { type: 'boolean' },
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
    process.stdout.write(formatWebchatChannel(created, config.publicUrlIsSet ? config.publicUrl : undefined));
    return 0;
  }

  if (command === 'channel' && subcommand === 'create') {
    const kind = required(values, 'kind');
    if (kind !== 'messenger' && kind !== 'facebook_page' && kind !== 'instagram' && kind !== 'whatsapp') {
      throw new UsageError(`--kind must be messenger, facebook_page, instagram, whatsapp or webchat; got "${kind}".`);
    }
    // Facebook channels are named by their page, Instagram channels by their account, WhatsApp
    // channels by their phone number.
    const ID_OPTIONS = { instagram: 'account-id', whatsapp: 'phone-number-id', messenger: 'page-id', facebook_page: 'page-id' } as const;
    const idOption = ID_OPTIONS[kind];
    for (const option of ['page-id', 'account-id', 'phone-number-id'] as const) {
      if (option !== idOption && values[option] !== undefined) {
        throw new UsageError(`--${option} does not apply to --kind ${kind}; use --${idOption}.`);
      }
    }
    const ids =
      kind === 'whatsapp'
        ? { externalId: required(values, 'phone-number-id'), businessAccountId: required(values, 'business-account-id') }
        : { externalId: required(values, idOption) };
    const channel = await withTenantAdmin(config, (service) =>
      service.createChannel({
        tenantSlug: required(values, 'tenant').trim().toLowerCase(),
        kind,
        ...ids,
        accessToken: required(values, 'access-token'),
        ...(values.name ? { name: values.name } : {}),
      }),
    );
    const owner = { whatsapp: 'phone number', instagram: 'Instagram account', messenger: 'page', facebook_page: 'page' }[kind];
    process.stdout.write(`Connected ${channel.kind} channel for ${owner} ${channel.externalId} (${channel.id}).\n`);
    return 0;
  }

  if (command === 'operator' && subcommand === 'create') {
    const operator = await withDatabase(config, (db) =>
      createOperator(db, {
        email: required(values, 'email'),
        password: required(values, 'password'),
        ...(values.name ? { displayName: values.name } : {}),
      }),
    );
    process.stdout.write(`Created operator ${operator.email} (${operator.id}). Log in with the operatorLogin mutation.\n`);
    return 0;
  }

  if (command === 'secrets' && subcommand === 'rotate') {
    const totals = await withDatabase(config, (db, keyring) =>
      rotateChannelSecrets({ db, keyring }, (progress) => {
        process.stdout.write(`  ${progress.channels} channels checked, ${progress.reencrypted} secrets re-encrypted\n`);
      }),
    );
    process.stdout.write(
      `Done with key "${totals.keyId}": ${totals.channels} channels, ${totals.reencrypted} secrets re-encrypted ` +
        `(${totals.wasPlaintext} of them were plain text), ${totals.alreadyCurrent} already current.\n`,
    );
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

  if (command === 'contact' || command === 'agent') return runDataSubjectCommand(config, command, subcommand, values);
  if (command === 'retention') return runRetentionCommand(config, subcommand, values);

  throw new UsageError(`Unknown command "${[command, subcommand].filter(Boolean).join(' ')}".`);
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (error instanceof AppError || error instanceof ConfigError || error instanceof DataDirInUseError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`parley failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
