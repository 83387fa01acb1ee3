export type AgentRole = 'admin' | 'supervisor' | 'agent';

/** Who is making a request; every resolver and service receives one. */
export type Viewer =
  | { readonly kind: 'anonymous' }
  | {
      readonly kind: 'agent';
      readonly tenantId: string;
      readonly agentId: string;
      readonly role: AgentRole;
    };

export type AgentViewer = Extract<Viewer, { kind: 'agent' }>;

export const anonymousViewer: Viewer = Object.freeze({ kind: 'anonymous' });
