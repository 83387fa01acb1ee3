import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { toGlobalId } from '../src/schema/global-id.js';
import { SetRetentionDocument } from './generated/graphql.js';
import { createTestDatabase, type TestDatabase } from './support/databases.js';
import { graphqlData } from './support/graphql-client.js';
import { queryRows, receiveVisitorMessages, rowIdOf, rowsOf, runCli } from './support/privacy.js';
import { addAgent, createTenantWithChannels } from './support/tenants.js';
import { startTestServer } from './support/test-server.js';

const SLUG = 'cli-tenant';
const PAGE_ID = '100000000000031';
const ADMIN = `admin@${SLUG}.test`;
const SUPERVISOR = `sue@${SLUG}.test`;

let database: TestDatabase;
let outputFolder: string;
let contactId: string;
let expiredContactId: string;
let agentId: string;

/** Opens the test database in this process between CLI runs; PGlite allows one process at a time. */
async function query<T>(statement: ReturnType<typeof sql>): Promise<T[]> {
  const db = await openDatabase({ databaseUrl: database.databaseUrl, dataDir: database.dataDir });
  try {
    return await db.withSystem(async (tx) => rowsOf<T>(await tx.execute(statement)));
  } finally {
    await db.close();
  }
}

// Starting a server with an embedded PGlite can take a minute on a busy 2-core machine.
beforeAll(async () => {
  database = await createTestDatabase();
  outputFolder = await mkdtemp(path.join(tmpdir(), 'parley-cli-export-'));
  const server = await startTestServer({ database });
  try {
    const tenant = await createTenantWithChannels(server, SLUG, [{ kind: 'messenger', externalId: PAGE_ID }]);
    await addAgent(server, SLUG, 'sue', 'supervisor');
    agentId = toGlobalId('Agent', (await addAgent(server, SLUG, 'carl', 'agent')).agentId);
    contactId = await receiveVisitorMessages(server, tenant, `4100${Date.now()}`, [{ text: 'CLI <hello>' }], PAGE_ID);
    expiredContactId = await receiveVisitorMessages(server, tenant, `4200${Date.now()}`, [{ text: 'long ago' }], PAGE_ID);
    const past = sql`now() - make_interval(days => 45)`;
    await queryRows(server, sql`update conversations set last_activity_at = ${past} where contact_id = ${rowIdOf(expiredContactId)} returning id`);
    await queryRows(server, sql`update contacts set updated_at = ${past} where id = ${rowIdOf(expiredContactId)} returning id`);
    await graphqlData(server.graphqlUrl, SetRetentionDocument, { conversationDays: 30 }, tenant.adminToken);
  } finally {
    // The CLI opens the same database; an embedded PGlite must be closed first.
    await server.close();
  }
}, 180_000);

afterAll(async () => {
  await rm(outputFolder, { recursive: true, force: true });
  await database?.drop();
});

// Each run starts tsx and opens the database (PGlite takes seconds), so these tests get more time.
describe('parley contact', { timeout: 240_000 }, () => {
  it('exports JSON to stdout', async () => {
    const result = await runCli(database, ['contact', 'export', '--tenant', SLUG, '--contact-id', contactId, '--requested-by', ADMIN]);

    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.subject).toEqual({ kind: 'contact', id: rowIdOf(contactId) });
    expect(document.sections.conversations[0].messages[0].text).toBe('CLI <hello>');
    expect(result.stderr).toMatch(/^Recorded access request [0-9a-f-]{36} \(completed\)\.\n$/);
  });

  it('writes HTML to --output', async () => {
    const file = path.join(outputFolder, 'contact.html');
    const result = await runCli(database, [
      'contact', 'export', '--tenant', SLUG, '--contact-id', rowIdOf(contactId), '--requested-by', ADMIN, '--format', 'html', '--output', file,
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const html = await readFile(file, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('CLI &lt;hello&gt;');
  });

  it('rejects a supervisor with the FORBIDDEN message', async () => {
    const result = await runCli(database, ['contact', 'erase', '--tenant', SLUG, '--contact-id', contactId, '--requested-by', SUPERVISOR]);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe("Only an admin may erase a contact's data; your role is supervisor.\n");
  });

  it('corrects fields and clears one with an empty value', async () => {
    const result = await runCli(database, [
      'contact', 'rectify', '--tenant', SLUG, '--contact-id', contactId, '--requested-by', ADMIN,
      '--email', 'fixed@example.test', '--display-name', 'Fixed Name', '--phone', '',
    ]);
    const [row] = await query<{ display_name: string; email: string; phone: string | null }>(
      sql`select display_name, email, phone from contacts where id = ${rowIdOf(contactId)}`,
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Corrected contact [0-9a-f-]{36}: displayName, email, phone\.\nRecorded rectification request/);
    expect(row).toEqual({ display_name: 'Fixed Name', email: 'fixed@example.test', phone: null });
  });

  it('erases once and records the repeat as a no-op', async () => {
    const first = await runCli(database, ['contact', 'erase', '--tenant', SLUG, '--contact-id', contactId, '--requested-by', ADMIN]);
    const second = await runCli(database, ['contact', 'erase', '--tenant', SLUG, '--contact-id', contactId, '--requested-by', ADMIN]);
    const requests = await query<{ kind: string; status: string; details: { via: string; alreadyErased?: boolean } }>(
      sql`select kind, status, details from data_subject_requests where subject_id = ${rowIdOf(contactId)} order by created_at, id`,
    );

    expect(first.stdout).toMatch(/^Erased contact [0-9a-f-]{36}\./);
    expect(second.stdout).toMatch(/^contact [0-9a-f-]{36} was already erased; nothing changed\./);
    expect(requests.map((row) => [row.kind, row.status, row.details.via, row.details.alreadyErased])).toEqual([
      ['access', 'completed', 'cli', undefined],
      ['access', 'completed', 'cli', undefined],
      ['rectification', 'completed', 'cli', undefined],
      ['erasure', 'completed', 'cli', false],
      ['erasure', 'completed', 'cli', true],
    ]);
  });

  it('prints usage for a missing option', async () => {
    const result = await runCli(database, ['contact', 'export', '--contact-id', contactId]);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Missing --tenant\.\n\nUsage: parley/);
  });
});

describe('parley agent', { timeout: 240_000 }, () => {
  it('corrects languages and skills, exports, then erases', async () => {
    const rectified = await runCli(database, [
      'agent', 'rectify', '--tenant', SLUG, '--agent-id', agentId, '--requested-by', ADMIN, '--languages', 'EN-gb,nl', '--skills', 'billing, returns',
    ]);
    expect(rectified.code).toBe(0);

    const exported = await runCli(database, ['agent', 'export', '--tenant', SLUG, '--agent-id', agentId, '--requested-by', ADMIN]);
    expect(exported.code).toBe(0);
    const document = JSON.parse(exported.stdout);
    expect(document.profile).toMatchObject({ displayName: 'carl', languages: ['en-GB', 'nl'], skills: ['billing', 'returns'] });

    const erased = await runCli(database, ['agent', 'erase', '--tenant', SLUG, '--agent-id', agentId, '--requested-by', ADMIN]);
    expect(erased.stdout).toMatch(/^Erased agent [0-9a-f-]{36}\./);
    const [row] = await query<{ display_name: string; languages: string[] }>(
      sql`select display_name, languages from agents where id = ${rowIdOf(agentId)}`,
    );
    expect(row).toEqual({ display_name: 'Former agent', languages: [] });
  });
});

describe('parley retention purge', { timeout: 240_000 }, () => {
  it('counts with --dry-run, then deletes and reports per tenant', async () => {
    const dryRun = await runCli(database, ['retention', 'purge', '--dry-run']);
    const stillThere = await query(sql`select 1 from contacts where id = ${rowIdOf(expiredContactId)}`);
    const purge = await runCli(database, ['retention', 'purge', '--tenant', SLUG]);
    const afterPurge = await query(sql`select 1 from contacts where id = ${rowIdOf(expiredContactId)}`);
    const audit = await query<{ data: Record<string, unknown> }>(sql`select data from audit_log where action = 'retention.purge'`);

    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toBe(
      'Dry run: counting what is past the retention periods.\n' +
        `tenant ${SLUG}: would delete 1 conversations, 1 messages, 1 contacts without conversations, 0 attachment rows (0 stored files), 0 pending updates\n` +
        'Done: 1 tenants with a retention period checked.\n',
    );
    expect(stillThere).toHaveLength(1);
    expect(purge.code).toBe(0);
    expect(purge.stdout).toBe(
      `Purging what is past the retention periods of tenant ${SLUG}.\n` +
        `tenant ${SLUG}: deleted 1 conversations, 1 messages, 1 contacts without conversations, 0 attachment rows (0 stored files), 0 pending updates\n` +
        'Done: 1 tenants with a retention period checked.\n',
    );
    expect(afterPurge).toEqual([]);
    expect(audit.map((row) => row.data.conversations)).toEqual([1]);
  });

  it('fails for an unknown tenant', async () => {
    const result = await runCli(database, ['retention', 'purge', '--tenant', 'no-such-tenant']);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe('Tenant no-such-tenant was not found.\n');
  });
});
