import type { Viewer } from '../../auth/viewer.js';
import { findAgent, findAgentByEmail, updateAgent, type AgentRow } from '../../db/queries/agents.js';
import { findContact, updateContact, type ContactRow } from '../../db/queries/contacts.js';
import type { DataSubjectKind, DataSubjectRequestKind, DataSubjectRequestRow } from '../../db/queries/data-subject-requests.js';
import { AppError, ErrorCode, notFound } from '../../errors/app-error.js';
import { loggableError } from '../../errors/loggable-error.js';
import { isErasedAgent } from '../../privacy/erased-agent.js';
import type { DataExport } from '../../privacy/export-document.js';
import { renderDataExportHtml } from '../../privacy/export-html.js';
import { requireRole } from '../authorization.js';
import type { PrivacyDependencies } from '../dependencies.js';
import { eraseAgent } from './erase-agent.js';
import { eraseContact } from './erase-contact.js';
import { buildAgentExport, buildContactExport } from './export-subject.js';
import { parseAgentCorrection, parseContactCorrection, type AgentCorrection, type ContactCorrection } from './rectification-input.js';
import { recordDataSubjectRequest, type Requester } from './record-request.js';

export interface DataExportResult {
  request: DataSubjectRequestRow;
  document: DataExport;
  html: string;
}

/** Interface the admin used, stored with the request. */
export type RequestChannel = 'graphql' | 'cli';

// Errors that mean the request never reached a person: those are not recorded as requests.
const UNRECORDED_ERRORS = new Set<string>([ErrorCode.Unauthenticated, ErrorCode.Forbidden, ErrorCode.NotFound]);

/**
 * Creates the service for access, rectification and erasure requests about a contact or an
 * agent, made by a tenant admin. Every request that reaches a person is recorded in data_subject_requests and the audit
 * log, with its outcome, and without the person's data.
 */
export function createDataSubjectService(deps: PrivacyDependencies) {
  function requireAdmin(viewer: Viewer, action: string) {
    return requireRole(viewer, 'admin', action);
  }

  /** Runs one request; an unexpected or input failure is recorded as a failed request, then rethrown. */
  async function answer<T>(
    tenantId: string,
    subject: { kind: DataSubjectKind; id: string },
    kind: DataSubjectRequestKind,
    requester: Requester,
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const code = error instanceof AppError ? error.code : 'INTERNAL_SERVER_ERROR';
      if (UNRECORDED_ERRORS.has(code)) throw error;
      if (code === 'INTERNAL_SERVER_ERROR') {
        deps.log.error({ error: loggableError(error), tenantId, subjectKind: subject.kind, subjectId: subject.id, kind }, 'data-subject request failed');
      }
      await deps.db
        .withTenant(tenantId, (tx) =>
          recordDataSubjectRequest(tx, {
            tenantId,
            subjectKind: subject.kind,
            subjectId: subject.id,
            kind,
            requester,
            status: 'failed',
            details: { errorCode: code },
          }),
        )
        .catch((recordError: unknown) => {
          deps.log.error({ error: loggableError(recordError), tenantId, kind }, 'could not record a failed data-subject request');
        });
      throw error;
    }
  }

  function exportSubject(viewer: Viewer, kind: DataSubjectKind, subjectId: string, via: RequestChannel): Promise<DataExportResult> {
    const admin = requireAdmin(viewer, `export a ${kind}'s data`);
    const requester: Requester = { kind: 'agent', agentId: admin.agentId, via };
    return answer(admin.tenantId, { kind, id: subjectId }, 'access', requester, () =>
      deps.db.withTenant(admin.tenantId, async (tx) => {
        const exists = kind === 'contact' ? await findContact(tx, subjectId) : await findAgent(tx, subjectId);
        if (!exists) throw notFound(kind === 'contact' ? 'Contact' : 'Agent', subjectId);
        // Recorded first, so the export lists this request among the person's requests too.
        const request = await recordDataSubjectRequest(tx, {
          tenantId: admin.tenantId,
          subjectKind: kind,
          subjectId,
          kind: 'access',
          requester,
          status: 'completed',
          details: { formats: ['json', 'html'] },
        });
        const document =
          kind === 'contact'
            ? await buildContactExport(tx, admin.tenantId, subjectId)
            : await buildAgentExport(tx, admin.tenantId, subjectId);
        return { request, document, html: renderDataExportHtml(document) };
      }),
    );
  }

  return {
    exportContact: (viewer: Viewer, contactId: string, via: RequestChannel = 'graphql') =>
      exportSubject(viewer, 'contact', contactId, via),

    exportAgent: (viewer: Viewer, agentId: string, via: RequestChannel = 'graphql') =>
      exportSubject(viewer, 'agent', agentId, via),

    async rectifyContact(
      viewer: Viewer,
      contactId: string,
      correction: ContactCorrection,
      via: RequestChannel = 'graphql',
    ): Promise<{ request: DataSubjectRequestRow; contact: ContactRow }> {
      const admin = requireAdmin(viewer, "correct a contact's data");
      const requester: Requester = { kind: 'agent', agentId: admin.agentId, via };
      return answer(admin.tenantId, { kind: 'contact', id: contactId }, 'rectification', requester, () => {
        const values = parseContactCorrection(correction);
        return deps.db.withTenant(admin.tenantId, async (tx) => {
          if (!(await findContact(tx, contactId))) throw notFound('Contact', contactId);
          const contact = await updateContact(tx, contactId, values);
          if (!contact) throw notFound('Contact', contactId);
          const request = await recordDataSubjectRequest(tx, {
            tenantId: admin.tenantId,
            subjectKind: 'contact',
            subjectId: contactId,
            kind: 'rectification',
            requester,
            status: 'completed',
            details: { fields: Object.keys(values).sort() },
          });
          return { request, contact };
        });
      });
    },

    async rectifyAgent(
      viewer: Viewer,
      agentId: string,
      correction: AgentCorrection,
      via: RequestChannel = 'graphql',
    ): Promise<{ request: DataSubjectRequestRow; agent: AgentRow }> {
      const admin = requireAdmin(viewer, "correct an agent's data");
      const requester: Requester = { kind: 'agent', agentId: admin.agentId, via };
      return answer(admin.tenantId, { kind: 'agent', id: agentId }, 'rectification', requester, () => {
        const values = parseAgentCorrection(correction);
        return deps.db.withTenant(admin.tenantId, async (tx) => {
          const current = await findAgent(tx, agentId);
          if (!current) throw notFound('Agent', agentId);
          if (isErasedAgent(current)) {
            throw new AppError(ErrorCode.Conflict, `Agent ${agentId} was erased; there is no personal data left to correct.`);
          }
          if (values.email !== undefined) {
            const owner = await findAgentByEmail(tx, values.email);
            if (owner && owner.id !== agentId) {
              throw new AppError(ErrorCode.Conflict, 'Another agent of this tenant already uses that email; choose another.', { field: 'email' });
            }
          }
          const agent = await updateAgent(tx, agentId, values);
          if (!agent) throw notFound('Agent', agentId);
          const request = await recordDataSubjectRequest(tx, {
            tenantId: admin.tenantId,
            subjectKind: 'agent',
            subjectId: agentId,
            kind: 'rectification',
            requester,
            status: 'completed',
            details: { fields: Object.keys(values).sort() },
          });
          return { request, agent };
        });
      });
    },

    eraseContact(viewer: Viewer, contactId: string, via: RequestChannel = 'graphql'): Promise<DataSubjectRequestRow> {
      const admin = requireAdmin(viewer, "erase a contact's data");
      const requester: Requester = { kind: 'agent', agentId: admin.agentId, via };
      return answer(admin.tenantId, { kind: 'contact', id: contactId }, 'erasure', requester, () =>
        eraseContact(deps, admin.tenantId, contactId, requester),
      );
    },

    eraseAgent(viewer: Viewer, agentId: string, via: RequestChannel = 'graphql'): Promise<DataSubjectRequestRow> {
      const admin = requireAdmin(viewer, "erase an agent's data");
      const requester: Requester = { kind: 'agent', agentId: admin.agentId, via };
      return answer(admin.tenantId, { kind: 'agent', id: agentId }, 'erasure', requester, () =>
        eraseAgent(deps, admin.tenantId, agentId, requester),
      );
    },
  };
}

export type DataSubjectService = ReturnType<typeof createDataSubjectService>;
