/**
 * How every table of the database is covered by data-subject requests. A test compares this map
 * with the tables PostgreSQL reports and fails for a table missing here. So a new table must be
 * classified before it ships: how its rows are exported and erased for each kind of person, or
 * why it contains no personal data.
 */

/** Handling of one kind of person's rows in a table. */
export interface SubjectCoverage {
  /** Place of the rows in the access export. */
  export: string;
  /** Effect of erasure on the rows. */
  erase: string;
}

export type TableCoverage =
  | { personalData: false; reason: string }
  | { personalData: true; contact?: SubjectCoverage; agent?: SubjectCoverage; otherwise?: string };

export const TABLE_COVERAGE: Record<string, TableCoverage> = {
  tenants: {
    personalData: false,
    reason: "The business itself (slug, name, status, retention periods): the controller, not a data subject.",
  },
  agents: {
    personalData: true,
    agent: {
      export: 'profile: name, email, role, languages, skills',
      erase: 'anonymised in place: "Former agent", an .invalid email, an unusable password hash, no languages or skills',
    },
  },
  channels: {
    personalData: false,
    reason: "The business's connected accounts (page ids, names, tokens, settings); no visitor or agent data.",
  },
  contacts: {
    personalData: true,
    contact: { export: 'profile', erase: 'row deleted' },
  },
  contact_identities: {
    personalData: true,
    contact: { export: 'channelIdentities', erase: 'deleted by cascade from contacts' },
  },
  conversations: {
    personalData: true,
    contact: { export: 'conversations', erase: 'deleted by cascade from contacts' },
    agent: { export: 'assignedConversations (ids and states)', erase: 'unassigned, with an "assigned" event in the log' },
  },
  messages: {
    personalData: true,
    contact: { export: 'conversations[].messages', erase: 'deleted by cascade from conversations' },
    agent: { export: 'messagesWritten', erase: 'kept in the contact\'s conversation; the author row is anonymised' },
  },
  conversation_events: {
    personalData: true,
    contact: {
      export: 'conversations[].events',
      erase:
        'deleted by cascade from conversations; the request details and audit entry keep anonymous counts instead',
    },
    agent: { export: 'conversationEvents', erase: 'kept: ids and states only, pointing at the anonymised agent row' },
  },
  media_objects: {
    personalData: true,
    contact: {
      export: 'conversations[].messages[].storedFiles and attachments[].mediaId',
      erase: 'deleted by cascade from messages; stored files deleted through the media store before commit',
    },
    agent: { export: 'messagesWritten[].storedFiles', erase: 'kept with the agent\'s messages' },
  },
  pending_message_updates: {
    personalData: true,
    contact: {
      export: 'pendingMessageUpdates',
      erase: "deleted by the provider ids of the contact's messages and by the contact's external id in the event",
    },
  },
  operators: {
    personalData: true,
    otherwise:
      "Parley's own staff, not a tenant's data subject: tenant admins cannot reach them, so the platform answers their requests.",
  },
  audit_log: {
    personalData: true,
    contact: { export: 'auditEntries (entries targeting the contact)', erase: 'kept: ids and counts only, and the proof of the erasure' },
    agent: { export: 'auditEntries (entries by or about the agent)', erase: 'kept: ids and counts only' },
  },
  data_subject_requests: {
    personalData: true,
    contact: { export: 'dataSubjectRequests', erase: 'kept: a bare id with field names and counts' },
    agent: { export: 'dataSubjectRequests', erase: 'kept: a bare id with field names and counts' },
  },
  privacy_policies: {
    personalData: false,
    reason: "The tenant's published policy texts.",
  },
  privacy_policy_views: {
    personalData: true,
    contact: { export: 'privacyPolicyViews', erase: 'deleted by cascade from contacts' },
  },
  meta_deletion_requests: {
    personalData: false,
    reason: "Only a keyed hash of Meta's user id and counts; no tenant can link it to a contact.",
  },
};
