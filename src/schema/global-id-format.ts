/** Types that have global ids. */
export type NodeType = 'Agent' | 'Attachment' | 'Channel' | 'Contact' | 'Conversation' | 'Message' | 'Tenant' | 'Operator';

const NODE_TYPES = new Set<string>(['Agent', 'Attachment', 'Channel', 'Contact', 'Conversation', 'Message', 'Tenant', 'Operator']);

export function isNodeType(name: string): name is NodeType {
  return NODE_TYPES.has(name);
}

/** Encodes a row id as an opaque Relay global id: base64url of "Type:uuid". */
export function toGlobalId(type: NodeType, id: string): string {
  return Buffer.from(`${type}:${id}`).toString('base64url');
}
