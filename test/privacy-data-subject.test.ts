import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AgentsDocument,
  AssignConversationDocument,
  ConversationMessagesDocument,
  EraseAgentDocument,
  EraseContactDocument,
  ExportAgentDataDocument,
  ExportContactDataDocument,
  LoginDocument,
  MeDocument,
  RectifyAgentDocument,
  RectifyContactDocument,
  SendMessageDocument,
} from './generated/graphql.js';
import { startFakeGraphApi, type FakeGraphApi } from './support/fake-graph-api.js';
import { graphqlData, graphqlRequest } from './support/graphql-client.js';
import { queryRows, receiveVisitorMessages, rowIdOf, uniqueSuffix } from './support/privacy.js';
import { addAgent, createTenantWithChannels, PAGE_ID, PAGE_TOKEN, PASSWORD, type TestTenant } from './support/tenants.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { toGlobalId } from '../src/schema/global-id.js';

let server: TestServer;
let graphApi: FakeGraphApi;
let tenant: TestTenant;
let supervisor: { agentId: string; token: string };
let agent: { agentId: string; token: string };

interface RequestRow {
  subject_kind: string;
  subject_id: string;
  kind: string;
  status: string;
  requested_by_agent_id: string | null;
  details: Record<string, unknown>;
}

const requestsAbout = (subjectId: string) =>
  queryRows<RequestRow>(
    server,
    sql`select subject_kind, subject_id, kind, status, requested_by_agent_id, details from data_subject_requests where subject_id = ${subjectId} order by created_at, id`,
  );

const auditActionsAbout = async (subjectId: string) =>
  (await queryRows<{ action: string }>(server, sql`select action from audit_log where target_id = ${subjectId} order by id`)).map(
    (row) => row.action,
  );

// Starting a server with an embedded PGlite can take a minute on a busy 2-core machine.
beforeAll(async () => {
  graphApi = await startFakeGraphApi();
  graphApi.allowToken(PAGE_TOKEN);
  server = await startTestServer({ graphApiUrl: graphApi.url });
  tenant = await createTenantWithChannels(server, 'privacy-tenant', [{ kind: 'messenger', externalId: PAGE_ID }]);
  supervisor = await addAgent(server, tenant.slug, 'sam', 'supervisor');
  agent = await addAgent(server, tenant.slug, 'ada', 'agent');
}, 180_000);

afterAll(async () => {
  await server?.close();
  await graphApi?.close();
});

describe('exportContactData', () => {
  it('returns every section as JSON and escaped HTML', async () => {
    const visitor = `91${Date.now()}`;
    const imageUrl = `https://cdn.example.test/${uniqueSuffix()}.jpg`;
    const contactId = await receiveVisitorMessages(server, tenant, visitor, [
      { text: 'Where is <b>my</b> order?' },
      { imageUrl },
    ]);
    const rowId = rowIdOf(contactId);
    await graphqlData(
      server.graphqlUrl,
      RectifyContactDocument,
      { input: { contactId, displayName: 'Lena Export', email: 'lena@example.test', phone: '+32 470 12 34 56' } },
      tenant.adminToken,
    );
    const [media] = await queryRows<{ id: string }>(
      server,
      sql`insert into media_objects (tenant_id, message_id, channel_id, source_url, status, storage_key, content_type, byte_size)
          select m.tenant_id, m.id, m.channel_id, ${imageUrl}, 'stored', m.tenant_id::text || '/' || gen_random_uuid()::text, 'image/jpeg', 2048
          from messages m join conversations c on c.id = m.conversation_id where c.contact_id = ${rowId} and m.text is null
          returning id`,
    );
    await queryRows(
      server,
      sql`insert into privacy_policy_views (tenant_id, contact_id, version, locale) values (${tenant.tenantId}, ${rowId}, 3, 'nl-BE') returning id`,
    );

    const reaction = { type: 'message_reaction', contact: { externalId: visitor }, emoji: '👍' };
    await queryRows(
      server,
      sql`insert into pending_message_updates (tenant_id, channel_id, provider_message_id, event)
          select tenant_id, channel_id, 'm_not_yet_here', ${JSON.stringify(reaction)}::jsonb from contact_identities where contact_id = ${rowId}
          returning id`,
    );

    const data = await graphqlData(server.graphqlUrl, ExportContactDataDocument, { contactId }, tenant.adminToken);
    const json = data.exportContactData.json as any;

    expect(json.format).toBe('parley-data-export');
    expect(json.subject).toEqual({ kind: 'contact', id: rowId });
    expect(json.tenant).toEqual({ slug: 'privacy-tenant', name: 'Tenant privacy-tenant' });
    expect(json.profile.displayName).toBe('Lena Export');
    expect(json.profile.email).toBe('lena@example.test');
    expect(json.profile.phone).toBe('+32 470 12 34 56');
    expect(json.sections.channelIdentities).toHaveLength(1);
    expect(json.sections.channelIdentities[0].externalId).toBe(visitor);
    expect(json.sections.channelIdentities[0].channel.kind).toBe('messenger');
    expect(json.sections.conversations).toHaveLength(1);
    const [conversation] = json.sections.conversations;
    expect(conversation.messages.map((message: any) => message.text)).toEqual(['Where is <b>my</b> order?', null]);
    // Ingest queued its own copy of the image; the test added a stored one beside it.
    expect(conversation.messages[1].attachments).toEqual([expect.objectContaining({ type: 'image', url: imageUrl })]);
    expect(conversation.messages[1].storedFiles).toContainEqual(
      expect.objectContaining({ mediaId: media!.id, status: 'stored', contentType: 'image/jpeg', byteSize: 2048, downloadUrl: null }),
    );
    expect(conversation.events.map((event: any) => event.kind)).toEqual(['opened', 'message_received', 'message_received']);
    expect(json.sections.privacyPolicyViews).toEqual([expect.objectContaining({ version: 3, locale: 'nl-BE' })]);
    expect(json.sections.pendingMessageUpdates).toEqual([expect.objectContaining({ providerMessageId: 'm_not_yet_here', event: reaction })]);
    expect(json.sections.auditEntries.map((entry: any) => entry.action)).toEqual(['data_subject.rectification', 'data_subject.access']);
    expect(json.sections.dataSubjectRequests.map((request: any) => request.kind)).toEqual(['rectification', 'access']);

    const html = data.exportContactData.html;
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<h2>Channel identities</h2>');
    expect(html).toContain('<h2>Conversations and messages</h2>');
    expect(html).toContain('<h2>Privacy policy views</h2>');
    expect(html).toContain('Where is &lt;b&gt;my&lt;/b&gt; order?');
    expect(html).not.toContain('<b>my</b>');
    expect(html).toContain('lena@example.test');
    expect(html).not.toMatch(/<script|<link|src=/);
  });

  it('records the access request and an audit entry', async () => {
    const contactId = await receiveVisitorMessages(server, tenant, `92${Date.now()}`, [{ text: 'hello' }]);
    const data = await graphqlData(server.graphqlUrl, ExportContactDataDocument, { contactId }, tenant.adminToken);

    expect(data.exportContactData.request.kind).toBe('ACCESS');
    expect(data.exportContactData.request.status).toBe('completed');
    expect(data.exportContactData.request.subjectId).toBe(contactId);
    expect(data.exportContactData.request.requestedByAgentId).toBe(toGlobalId('Agent', tenant.adminId));
    const rows = await requestsAbout(rowIdOf(contactId));
    expect(rows).toEqual([
      {
        subject_kind: 'contact',
        subject_id: rowIdOf(contactId),
        kind: 'access',
        status: 'completed',
        requested_by_agent_id: tenant.adminId,
        details: { via: 'graphql', formats: ['json', 'html'] },
      },
    ]);
    expect(await auditActionsAbout(rowIdOf(contactId))).toEqual(['data_subject.access']);
  });

  it.each([
    ['an agent', () => agent.token],
    ['a supervisor', () => supervisor.token],
  ])('is FORBIDDEN for %s and records nothing', async (_role, token) => {
    const contactId = await receiveVisitorMessages(server, tenant, `93${Date.now()}`, [{ text: 'hi' }]);
    const response = await graphqlRequest(server.graphqlUrl, ExportContactDataDocument, { contactId }, token());

    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await requestsAbout(rowIdOf(contactId))).toEqual([]);
  });

  it('is NOT_FOUND for an unknown contact', async () => {
    const contactId = toGlobalId('Contact', '00000000-0000-4000-8000-000000000001');
    const response = await graphqlRequest(server.graphqlUrl, ExportContactDataDocument, { contactId }, tenant.adminToken);

    expect(response.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('rectifyContact', () => {
  it('corrects fields and records only their names', async () => {
    const contactId = await receiveVisitorMessages(server, tenant, `94${Date.now()}`, [{ text: 'hi' }]);
    await graphqlData(server.graphqlUrl, RectifyContactDocument, { input: { contactId, phone: '+32 2 555 01 01' } }, tenant.adminToken);
    const data = await graphqlData(
      server.graphqlUrl,
      RectifyContactDocument,
      { input: { contactId, displayName: '  Noor Peeters ', email: 'noor@example.test', phone: null } },
      tenant.adminToken,
    );

    expect(data.rectifyContact.contact).toEqual({ id: contactId, displayName: 'Noor Peeters', email: 'noor@example.test', phone: null });
    expect(data.rectifyContact.request.kind).toBe('RECTIFICATION');
    expect(data.rectifyContact.request.details).toEqual({ via: 'graphql', fields: ['displayName', 'email', 'phone'] });
    const audit = await queryRows<{ data: unknown }>(server, sql`select data from audit_log where target_id = ${rowIdOf(contactId)} order by id`);
    expect(JSON.stringify(audit)).not.toContain('noor@example.test');
    expect(JSON.stringify(audit)).not.toContain('Noor');
  });

  it.each([
    [{ email: 'not-an-email' }, 'email must be an email address.'],
    [{ phone: 'call me' }, 'phone must be a phone number such as +32 470 12 34 56.'],
    [{ displayName: '   ' }, 'displayName must not be empty.'],
    [{}, 'Name at least one field to correct: displayName, email or phone.'],
  ])('rejects %j with BAD_USER_INPUT and records the failure', async (fields, message) => {
    const contactId = await receiveVisitorMessages(server, tenant, `95${Date.now()}`, [{ text: 'hi' }]);
    const response = await graphqlRequest(server.graphqlUrl, RectifyContactDocument, { input: { contactId, ...fields } }, tenant.adminToken);

    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toBe(message);
    const rows = await requestsAbout(rowIdOf(contactId));
    expect(rows.map((row) => [row.kind, row.status, row.details])).toEqual([
      ['rectification', 'failed', { via: 'graphql', errorCode: 'BAD_USER_INPUT' }],
    ]);
  });
});

describe('eraseContact', () => {
  it('deletes the contact everywhere and records counts only', async () => {
    const visitor = `96${Date.now()}`;
    const contactId = await receiveVisitorMessages(server, tenant, visitor, [{ text: 'first' }, { text: 'second' }]);
    const rowId = rowIdOf(contactId);
    const [conversation] = await queryRows<{ id: string }>(server, sql`select id from conversations where contact_id = ${rowId}`);
    await graphqlData(
      server.graphqlUrl,
      SendMessageDocument,
      { input: { conversationId: toGlobalId('Conversation', conversation!.id), text: 'We are on it' } },
      tenant.adminToken,
    );

    const data = await graphqlData(server.graphqlUrl, EraseContactDocument, { contactId }, tenant.adminToken);

    expect(data.eraseContact.kind).toBe('ERASURE');
    expect(data.eraseContact.status).toBe('completed');
    expect(data.eraseContact.details).toEqual({
      via: 'graphql',
      alreadyErased: false,
      storedFiles: 'none',
      deleted: {
        channelIdentities: 1,
        conversations: 1,
        conversationsByChannelKind: { messenger: 1 },
        inboundMessages: 2,
        outboundMessages: 1,
        conversationEvents: 5,
        mediaObjects: 0,
        pendingMessageUpdates: 0,
        privacyPolicyViews: 0,
        storedFiles: 0,
        cacheKeys: 0,
      },
    });
    for (const table of ['contacts', 'contact_identities', 'conversations']) {
      const column = table === 'contacts' ? 'id' : 'contact_id';
      const rows = await queryRows(server, sql`select 1 from ${sql.identifier(table)} where ${sql.identifier(column)} = ${rowId}`);
      expect(rows, table).toEqual([]);
    }
    expect(await queryRows(server, sql`select 1 from messages where conversation_id = ${conversation!.id}`)).toEqual([]);
    expect(await queryRows(server, sql`select 1 from conversation_events where conversation_id = ${conversation!.id}`)).toEqual([]);
    expect(await queryRows(server, sql`select 1 from contact_identities where external_id = ${visitor}`)).toEqual([]);
    expect(await auditActionsAbout(rowId)).toEqual(['data_subject.erasure']);
  });

  it('records a second erasure without changing anything', async () => {
    const contactId = await receiveVisitorMessages(server, tenant, `97${Date.now()}`, [{ text: 'bye' }]);
    await graphqlData(server.graphqlUrl, EraseContactDocument, { contactId }, tenant.adminToken);
    const again = await graphqlData(server.graphqlUrl, EraseContactDocument, { contactId }, tenant.adminToken);

    expect(again.eraseContact.status).toBe('completed');
    expect(again.eraseContact.details).toEqual({ via: 'graphql', alreadyErased: true });
    const rows = await requestsAbout(rowIdOf(contactId));
    expect(rows.map((row) => [row.kind, row.status, row.details.alreadyErased])).toEqual([
      ['erasure', 'completed', false],
      ['erasure', 'completed', true],
    ]);
  });

  it('is FORBIDDEN for a supervisor and keeps the contact', async () => {
    const contactId = await receiveVisitorMessages(server, tenant, `98${Date.now()}`, [{ text: 'stay' }]);
    const response = await graphqlRequest(server.graphqlUrl, EraseContactDocument, { contactId }, supervisor.token);

    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await queryRows(server, sql`select 1 from contacts where id = ${rowIdOf(contactId)}`)).toHaveLength(1);
  });

  it('is NOT_FOUND for an id that never was a contact', async () => {
    const contactId = toGlobalId('Contact', '00000000-0000-4000-8000-000000000002');
    const response = await graphqlRequest(server.graphqlUrl, EraseContactDocument, { contactId }, tenant.adminToken);

    expect(response.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('agent requests', () => {
  it('exports the profile and the messages the agent wrote', async () => {
    const writer = await addAgent(server, tenant.slug, `writer${uniqueSuffix()}`, 'agent');
    const contactId = await receiveVisitorMessages(server, tenant, `81${Date.now()}`, [{ text: 'question' }]);
    const [conversation] = await queryRows<{ id: string }>(server, sql`select id from conversations where contact_id = ${rowIdOf(contactId)}`);
    await graphqlData(
      server.graphqlUrl,
      SendMessageDocument,
      { input: { conversationId: toGlobalId('Conversation', conversation!.id), text: 'Answer from the writer' } },
      writer.token,
    );

    const data = await graphqlData(server.graphqlUrl, ExportAgentDataDocument, { agentId: toGlobalId('Agent', writer.agentId) }, tenant.adminToken);
    const json = data.exportAgentData.json as any;

    expect(json.subject).toEqual({ kind: 'agent', id: writer.agentId });
    expect(json.profile.role).toBe('agent');
    expect(json.sections.messagesWritten.map((message: any) => [message.text, message.conversationId])).toEqual([
      ['Answer from the writer', conversation!.id],
    ]);
    expect(json.sections.conversationEvents.map((event: any) => event.kind)).toEqual(['message_sent']);
    expect(data.exportAgentData.html).toContain('<h2>Messages written</h2>');
    expect(data.exportAgentData.html).toContain('Answer from the writer');
  });

  it('corrects languages to canonical BCP-47 tags and skills', async () => {
    const subject = await addAgent(server, tenant.slug, `linguist${uniqueSuffix()}`, 'agent');
    const data = await graphqlData(
      server.graphqlUrl,
      RectifyAgentDocument,
      { input: { agentId: toGlobalId('Agent', subject.agentId), displayName: 'Linguist', languages: ['EN-gb', 'nl-BE', 'en-GB'], skills: [' billing ', 'returns'] } },
      tenant.adminToken,
    );

    expect(data.rectifyAgent.agent.displayName).toBe('Linguist');
    expect(data.rectifyAgent.agent.languages).toEqual(['en-GB', 'nl-BE']);
    expect(data.rectifyAgent.agent.skills).toEqual(['billing', 'returns']);
    expect(data.rectifyAgent.request.details).toEqual({ via: 'graphql', fields: ['displayName', 'languages', 'skills'] });
  });

  it.each([
    [{ languages: ['en_US'] }, 'BAD_USER_INPUT', 'languages: "en_US" is not a BCP-47 language tag such as "en" or "nl-BE".'],
    [{ email: 'ada@privacy-tenant.test' }, 'CONFLICT', 'Another agent of this tenant already uses that email; choose another.'],
    [{ displayName: null }, 'BAD_USER_INPUT', 'displayName cannot be null; leave it out to keep it, or pass [] to clear a list.'],
  ])('rejects %j with %s', async (fields, code, message) => {
    const subject = await addAgent(server, tenant.slug, `fixme${uniqueSuffix()}`, 'agent');
    const response = await graphqlRequest(
      server.graphqlUrl,
      RectifyAgentDocument,
      { input: { agentId: toGlobalId('Agent', subject.agentId), ...fields } },
      tenant.adminToken,
    );

    expect(response.errors?.[0]?.extensions?.code).toBe(code);
    expect(response.errors?.[0]?.message).toBe(message);
  });

  it('anonymises an erased agent, who can no longer log in', async () => {
    const name = `leaver${uniqueSuffix()}`;
    const leaver = await addAgent(server, tenant.slug, name, 'supervisor');
    const leaverId = toGlobalId('Agent', leaver.agentId);
    const contactId = await receiveVisitorMessages(server, tenant, `82${Date.now()}`, [{ text: 'help' }]);
    const [conversation] = await queryRows<{ id: string }>(server, sql`select id from conversations where contact_id = ${rowIdOf(contactId)}`);
    const conversationId = toGlobalId('Conversation', conversation!.id);
    await graphqlData(server.graphqlUrl, SendMessageDocument, { input: { conversationId, text: 'Leaver reply' } }, leaver.token);
    await graphqlData(server.graphqlUrl, AssignConversationDocument, { input: { conversationId, assigneeId: leaverId } }, leaver.token);

    const erased = await graphqlData(server.graphqlUrl, EraseAgentDocument, { agentId: leaverId }, tenant.adminToken);

    expect(erased.eraseAgent.details).toEqual({
      via: 'graphql',
      alreadyErased: false,
      anonymisedFields: ['displayName', 'email', 'passwordHash', 'role', 'languages', 'skills'],
      messagesKeptAsFormerAgent: 1,
      unassignedConversations: 1,
      deleted: { cacheKeys: 0 },
    });
    const [row] = await queryRows<Record<string, unknown>>(
      server,
      sql`select display_name, email, password_hash, role, languages, skills from agents where id = ${leaver.agentId}`,
    );
    expect(row).toEqual({
      display_name: 'Former agent',
      email: `erased-${leaver.agentId}@erased.invalid`,
      password_hash: '!erased',
      role: 'agent',
      languages: [],
      skills: [],
    });
    const me = await graphqlRequest(server.graphqlUrl, MeDocument, {}, leaver.token);
    expect(me.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const login = await graphqlRequest(server.graphqlUrl, LoginDocument, { tenant: tenant.slug, email: `${name}@${tenant.slug}.test`, password: PASSWORD });
    expect(login.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const messages = await graphqlData(server.graphqlUrl, ConversationMessagesDocument, { id: conversationId }, tenant.adminToken);
    const reply = messages.conversation!.messages.edges.map((edge) => edge.node).find((message) => message.text === 'Leaver reply');
    expect(reply?.author).toEqual({ id: leaverId, displayName: 'Former agent' });
    expect(messages.conversation!.assignee).toBeNull();
    const agents = await graphqlData(server.graphqlUrl, AgentsDocument, {}, tenant.adminToken);
    expect(JSON.stringify(agents)).not.toContain(name);
  });

  it('records a second agent erasure without changing anything', async () => {
    const subject = await addAgent(server, tenant.slug, `twice${uniqueSuffix()}`, 'agent');
    const agentId = toGlobalId('Agent', subject.agentId);
    await graphqlData(server.graphqlUrl, EraseAgentDocument, { agentId }, tenant.adminToken);
    const again = await graphqlData(server.graphqlUrl, EraseAgentDocument, { agentId }, tenant.adminToken);

    expect(again.eraseAgent.details).toEqual({ via: 'graphql', alreadyErased: true });
    expect((await requestsAbout(subject.agentId)).map((row) => row.details.alreadyErased)).toEqual([false, true]);
  });

  it('refuses to erase the requesting admin', async () => {
    const response = await graphqlRequest(server.graphqlUrl, EraseAgentDocument, { agentId: toGlobalId('Agent', tenant.adminId) }, tenant.adminToken);

    expect(response.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(response.errors?.[0]?.message).toBe('You cannot erase your own account; ask another admin of the tenant.');
  });

  it('is FORBIDDEN for an agent', async () => {
    const response = await graphqlRequest(server.graphqlUrl, ExportAgentDataDocument, { agentId: toGlobalId('Agent', supervisor.agentId) }, agent.token);

    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
