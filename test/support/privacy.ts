import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { toGlobalId } from '../../src/schema/global-id.js';
import type { TestTenant } from './tenants.js';
import { PAGE_ID } from './tenants.js';
import { TEST_APP_SECRET, TEST_JWT_SECRET, TEST_VERIFY_TOKEN, type TestServer } from './test-server.js';
import { postWebhook } from './webhooks.js';
import type { TestDatabase } from './databases.js';

/** A random suffix, so strings of one test's visitor appear nowhere else. */
export const uniqueSuffix = () => randomBytes(6).toString('hex');

/** Builds a Messenger webhook with one visitor message: text, or an image attachment at `imageUrl`. */
export function messengerMessage(
  visitorId: string,
  mid: string,
  content: { text: string } | { imageUrl: string },
  pageId = PAGE_ID,
  timestamp = Date.now(),
) {
  const message =
    'text' in content
      ? { mid, text: content.text }
      : { mid, attachments: [{ type: 'image', payload: { url: content.imageUrl } }] };
  return {
    object: 'page',
    entry: [{ id: pageId, time: timestamp, messaging: [{ sender: { id: visitorId }, recipient: { id: pageId }, timestamp, message }] }],
  };
}

/** Posts visitor messages through the signed webhook and returns the visitor's Contact global id. */
export async function receiveVisitorMessages(
  server: TestServer,
  tenant: TestTenant,
  visitorId: string,
  contents: ({ text: string } | { imageUrl: string })[],
  pageId = PAGE_ID,
): Promise<string> {
  for (const [index, content] of contents.entries()) {
    const response = await postWebhook(server.url, messengerMessage(visitorId, `m_${visitorId}_${index}_${uniqueSuffix()}`, content, pageId));
    if (response.status !== 200) throw new Error(`webhook answered ${response.status}: ${response.body}`);
  }
  const [row] = await queryRows<{ contact_id: string }>(
    server,
    sql`select contact_id from contact_identities where tenant_id = ${tenant.tenantId} and external_id = ${visitorId}`,
  );
  if (!row) throw new Error(`no contact for visitor ${visitorId}`);
  return toGlobalId('Contact', row.contact_id);
}

/** Returns the rows of a drizzle `execute` result, from postgres.js (an array) or PGlite ({ rows }). */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** Runs SQL as the database owner and returns its rows. */
export async function queryRows<T>(server: TestServer, statement: ReturnType<typeof sql>): Promise<T[]> {
  return server.app.db.withSystem(async (tx) => rowsOf<T>(await tx.execute(statement)));
}

export const rowIdOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]!;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npx tsx src/cli/main.ts …` against the test database, as an operator would. */
export function runCli(database: TestDatabase, args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATA_DIR: database.dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    META_APP_SECRET: TEST_APP_SECRET,
    META_VERIFY_TOKEN: TEST_VERIFY_TOKEN,
    LOG_LEVEL: 'warn',
    ...(database.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...extraEnv,
  };
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
