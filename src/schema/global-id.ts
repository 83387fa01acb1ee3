import { badInput } from '../errors/app-error.js';

/** Types that have global ids. */
export type NodeType = 'Agent' | 'Attachment' | 'Channel' | 'Contact' | 'Conversation' | 'Message';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Encodes a row id as an opaque Relay global id: base64url of "Type:uuid". */
export function toGlobalId(type: NodeType, id: string): string {
  return Buffer.from(`${type}:${id}`).toString('base64url');
}

/** Decodes a global id of the expected type, or throws BAD_USER_INPUT naming the argument. */
export function fromGlobalId(expected: NodeType, globalId: string, argument = 'id'): string {
  const [type, id] = Buffer.from(globalId, 'base64url').toString('utf8').split(':');
  if (type !== expected || !id || !UUID_PATTERN.test(id)) {
    throw badInput(`"${argument}" is not a valid ${expected} id.`, { argument });
  }
  return id;
}
