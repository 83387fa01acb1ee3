export type AgentRole = 'admin' | 'supervisor' | 'agent';

/** Who is making a request; every resolver and service receives one. */
export type Viewer =
  | { readonly kind: 'anonymous' }
  | {
      readonly kind: 'agent';
      readonly tenantId: string;
      readonly agentId: string;
      readonly role: AgentRole;
    }
  | {
      /** A website visitor of a webchat channel, limited to its own conversation. */
      readonly kind: 'visitor';
      readonly tenantId: string;
      readonly channelId: string;
      readonly contactId: string;
      readonly conversationId: string;
    };

export type AgentViewer = Extract<Viewer, { kind: 'agent' }>;
export type VisitorViewer = Extract<Viewer, { kind: 'visitor' }>;

export const anonymousViewer: Viewer = Object.freeze({ kind: 'anonymous' });
