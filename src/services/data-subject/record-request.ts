import type { Tx } from '../../db/database.js';
import { insertAuditEntry } from '../../db/queries/audit-log.js';
import {
  insertDataSubjectRequest,
  type DataSubjectKind,
  type DataSubjectRequestKind,
  type DataSubjectRequestRow,
} from '../../db/queries/data-subject-requests.js';

/** Requester: a tenant admin (through GraphQL or the CLI), or Meta's data-deletion callback. */
export type Requester =
  | { kind: 'agent'; agentId: string; via: 'graphql' | 'cli' }
  | { kind: 'meta'; metaDeletionRequestId: string };

export interface RequestRecord {
  tenantId: string;
  subjectKind: DataSubjectKind;
  subjectId: string;
  kind: DataSubjectRequestKind;
  requester: Requester;
  status: 'completed' | 'failed';
  /** Scope and outcome as names, ids and counts; never the person's data. */
  details: Record<string, unknown>;
}

/** Records a data-subject request and its audit entry in the current tenant transaction. */
export async function recordDataSubjectRequest(tx: Tx, record: RequestRecord): Promise<DataSubjectRequestRow> {
  const requesterDetails =
    record.requester.kind === 'agent'
      ? { via: record.requester.via }
      : { via: 'meta_data_deletion_callback', metaDeletionRequestId: record.requester.metaDeletionRequestId };
  const details = { ...requesterDetails, ...record.details };
  const request = await insertDataSubjectRequest(tx, {
    tenantId: record.tenantId,
    subjectKind: record.subjectKind,
    subjectId: record.subjectId,
    kind: record.kind,
    requestedByAgentId: record.requester.kind === 'agent' ? record.requester.agentId : null,
    status: record.status,
    details,
    completedAt: new Date(),
  });
  await insertAuditEntry(tx, {
    tenantId: record.tenantId,
    actorKind: record.requester.kind === 'agent' ? 'agent' : 'meta',
    actorId: record.requester.kind === 'agent' ? record.requester.agentId : null,
    action: `data_subject.${record.kind}`,
    targetKind: record.subjectKind,
    targetId: record.subjectId,
    data: { requestId: request.id, status: record.status, ...details },
  });
  return request;
}
