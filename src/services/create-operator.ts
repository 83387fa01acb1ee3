import { z } from 'zod';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../auth/passwords.js';
import type { Database } from '../db/database.js';
import { insertAuditEntry } from '../db/queries/audit-log.js';
import { findOperatorByEmail, insertOperator, type OperatorRow } from '../db/queries/operators.js';
import { AppError, badInput, ErrorCode } from '../errors/app-error.js';

/**
 * Creates a platform operator. Only the command line calls it, with access to the database
 * itself, so there is no viewer to check; the audit log names the system as actor.
 */
export async function createOperator(
  db: Database,
  input: { email: string; password: string; displayName?: string },
): Promise<OperatorRow> {
  const email = z.email().safeParse(input.email.trim());
  if (!email.success) throw badInput('email: must be an email address', { field: 'email' });
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw badInput(`password: must be at least ${MIN_PASSWORD_LENGTH} characters`, { field: 'password' });
  }
  const passwordHash = await hashPassword(input.password);

  return db.withSystem(async (tx) => {
    if (await findOperatorByEmail(tx, email.data)) {
      throw new AppError(ErrorCode.Conflict, `An operator with email ${email.data} already exists.`);
    }
    const operator = await insertOperator(tx, {
      email: email.data,
      passwordHash,
      displayName: input.displayName ?? email.data.split('@')[0] ?? email.data,
    });
    await insertAuditEntry(tx, { tenantId: null, actorKind: 'system', action: 'operator_created', targetKind: 'operator', targetId: operator.id });
    return operator;
  });
}
