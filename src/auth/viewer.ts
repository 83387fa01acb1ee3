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
  | { readonly kind: 'operator'; readonly operatorId: string };

export type AgentViewer = Extract<Viewer, { kind: 'agent' }>;
export type OperatorViewer = Extract<Viewer, { kind: 'operator' }>;

export const anonymousViewer: Viewer = Object.freeze({ kind: 'anonymous' });
