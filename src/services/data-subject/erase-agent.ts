import { findAgent, updateAgent } from '../../db/queries/agents.js';
import { appendConversationEvents } from '../../db/queries/conversation-events.js';
import { unassignConversationsOf } from '../../db/queries/conversations.js';
import type { DataSubjectRequestRow } from '../../db/queries/data-subject-requests.js';
import { countMessagesByAgent } from '../../db/queries/messages.js';
import { AppError, ErrorCode, notFound } from '../../errors/app-error.js';
import { conversationPublication } from '../../events/publications.js';
import { publishAll } from '../../events/publish.js';
import { ERASED_PASSWORD_HASH, erasedAgentEmail, FORMER_AGENT_NAME, isErasedAgent } from '../../privacy/erased-agent.js';
import { personalKeyPrefix } from '../../privacy/personal-keys.js';
import type { PrivacyDependencies } from '../dependencies.js';
import { recordDataSubjectRequest, type Requester } from './record-request.js';

/**
 * Erases an agent by anonymising the row in place, so the messages they wrote stay in their
 * conversations under "Former agent" and the conversation event log keeps its anonymous counts
 * per (now nameless) agent id. The placeholder email cannot receive mail, the password hash
 * matches no password, tokens already issued stop working (the viewer check rejects an erased
 * agent), and conversations assigned to them become unassigned. A second erasure changes
 * nothing and records the request again.
 */
export async function eraseAgent(
  deps: PrivacyDependencies,
  tenantId: string,
  agentId: string,
  requester: Requester,
): Promise<DataSubjectRequestRow> {
  if (requester.kind === 'agent' && requester.agentId === agentId) {
    throw new AppError(ErrorCode.Conflict, 'You cannot erase your own account; ask another admin of the tenant.');
  }

  const { request, unassigned } = await deps.db.withTenant(tenantId, async (tx) => {
    const record = { tenantId, subjectKind: 'agent' as const, subjectId: agentId, kind: 'erasure' as const, requester };
    const agent = await findAgent(tx, agentId);
    if (!agent) throw notFound('Agent', agentId);
    if (isErasedAgent(agent)) {
      const request = await recordDataSubjectRequest(tx, { ...record, status: 'completed', details: { alreadyErased: true } });
      return { request, unassigned: [] };
    }

    const unassigned = await unassignConversationsOf(tx, agentId);
    await appendConversationEvents(
      tx,
      unassigned.map((conversation) => ({
        tenantId,
        conversationId: conversation.id,
        kind: 'assigned' as const,
        actorAgentId: requester.kind === 'agent' ? requester.agentId : null,
        data: { from: agentId, to: null, reason: 'agent_erased' },
      })),
    );
    await updateAgent(tx, agentId, {
      displayName: FORMER_AGENT_NAME,
      email: erasedAgentEmail(agentId),
      passwordHash: ERASED_PASSWORD_HASH,
      role: 'agent',
      languages: [],
      skills: [],
    });
    const messagesKept = await countMessagesByAgent(tx, agentId);
    const cacheKeys = await deps.personalKeys.deleteKeysWithPrefix(personalKeyPrefix(tenantId, 'agent', agentId));

    const request = await recordDataSubjectRequest(tx, {
      ...record,
      status: 'completed',
      details: {
        alreadyErased: false,
        anonymisedFields: ['displayName', 'email', 'passwordHash', 'role', 'languages', 'skills'],
        messagesKeptAsFormerAgent: messagesKept,
        unassignedConversations: unassigned.length,
        deleted: { cacheKeys },
      },
    });
    return { request, unassigned };
  });

  await publishAll(deps.bus, unassigned.map((conversation) => conversationPublication(tenantId, conversation.id)), deps.log);
  return request;
}
