export type AgentRole = 'admin' | 'supervisor' | 'agent';

/**
 * The identity behind a request; every resolver and service receives one. An operator runs the
 * platform: it manages tenants and never reads their contacts, conversations or messages.
 */
export type Viewer =
  | { readonly kind: 'anonymous' }
  | {
      readonly kind: 'agent';
      readonly tenantId: string;
      readonly agentId: string;
      readonly role: AgentRole;
    }
  | { readonly kind: 'operator'; readonly operatorId: string }
  | {
      /** A website visitor of a webchat channel, limited to its own conversation. */
      readonly kind: 'visitor';
      readonly tenantId: string;
      readonly channelId: string;
      readonly contactId: string;
      readonly conversationId: string;
    };

export type AgentViewer = Extract<Viewer, { kind: 'agent' }>;
export type OperatorViewer = Extract<Viewer, { kind: 'operator' }>;
export type VisitorViewer = Extract<Viewer, { kind: 'visitor' }>;

export const anonymousViewer: Viewer = Object.freeze({ kind: 'anonymous' });
