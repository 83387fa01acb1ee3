import type { Viewer } from '../auth/viewer.js';
import type { CommentAction } from '../channels/outbound.js';
import { appendConversationEvents, type ConversationEventInput } from '../db/queries/conversation-events.js';
import { findMessage, ParleyMetadataKey, updateMessage, type MessageInsert, type MessageRow } from '../db/queries/messages.js';
import { notFound, providerError } from '../errors/app-error.js';
import { conversationPublication, messagePublication } from '../events/publications.js';
import { publishAll } from '../events/publish.js';
import { requireAgent } from './authorization.js';
import { loadCommentTarget } from './comment-target.js';
import type { ChannelSecretsService } from './channel-secrets.service.js';
import type { ServiceDependencies } from './dependencies.js';

/** One comment action: its name in errors, when it has nothing left to do, and what it stores. */
interface ActionPlan {
  /** The action in an error message, as in "Meta rejected hiding the comment". */
  name: string;
  isDone(comment: MessageRow): boolean;
  change(current: MessageRow): Partial<MessageInsert>;
  event: Pick<ConversationEventInput, 'kind' | 'data'>;
}

/**
 * Agent moderation of visitors' comments: hide, unhide and like. Meta is called outside any
 * transaction, and only its success is stored, logged and published. A rejection throws
 * PROVIDER_ERROR with Meta's code and changes nothing.
 */
export function createCommentActionsService(deps: ServiceDependencies, channelSecrets: ChannelSecretsService) {
  async function actOnComment(
    viewer: Viewer,
    messageId: string,
    action: CommentAction,
    plan: ActionPlan,
  ): Promise<MessageRow> {
    const agent = requireAgent(viewer);
    const capability = action.type;
    const target = await deps.db.withTenant(agent.tenantId, (tx) => loadCommentTarget(tx, messageId, capability, { channelSecrets, tenantId: agent.tenantId, agentId: agent.agentId }),
    );
    if (plan.isDone(target.comment)) return target.comment;

    const request = { channel: target.channel, commentId: target.comment.providerMessageId, action };
    const result = deps.sender.actOnComment
      ? await deps.sender.actOnComment(request)
      : { ok: false as const, errorCode: 'UNSUPPORTED_CHANNEL', errorMessage: `Parley cannot act on ${target.channel.kind} comments.` };
    if (!result.ok) {
      deps.log.warn({ messageId, channelKind: target.channel.kind, action: action.type, errorCode: result.errorCode }, 'provider rejected a comment action');
      throw providerError(plan.name, result);
    }

    const updated = await deps.db.withTenant(agent.tenantId, async (tx) => {
      // Reread the comment, because a webhook may have changed it while Meta was being called.
      const current = await findMessage(tx, messageId);
      if (!current) throw notFound('Message', messageId);
      const row = await updateMessage(tx, messageId, plan.change(current));
      if (!row) throw notFound('Message', messageId);
      await appendConversationEvents(tx, [
        { tenantId: agent.tenantId, conversationId: row.conversationId, actorAgentId: agent.agentId, messageId, ...plan.event },
      ]);
      return row;
    });
    await publishAll(
      deps.bus,
      [messagePublication(agent.tenantId, 'updated', updated), conversationPublication(agent.tenantId, updated.conversationId)],
      deps.log,
    );
    return updated;
  }

  return {
    /** Hides or unhides a visitor's comment on the page or Instagram media. A hidden comment stays visible to its author. */
    setHidden(viewer: Viewer, messageId: string, hidden: boolean): Promise<MessageRow> {
      return actOnComment(
        viewer,
        messageId,
        { type: 'set_hidden', hidden },
        {
          name: hidden ? 'hiding the comment' : 'unhiding the comment',
          isDone: (comment) => comment.isHidden === hidden,
          change: () => ({ isHidden: hidden }),
          event: { kind: 'message_hidden', data: { hidden } },
        },
      );
    },

    /** Likes a visitor's comment as the page. Liking twice calls Meta once. */
    like(viewer: Viewer, messageId: string): Promise<MessageRow> {
      return actOnComment(
        viewer,
        messageId,
        { type: 'like' },
        {
          name: 'liking the comment',
          isDone: (comment) => ParleyMetadataKey.likedAt in (comment.metadata as object),
          change: (current) => ({ metadata: { ...(current.metadata as object), [ParleyMetadataKey.likedAt]: new Date().toISOString() } }),
          event: { kind: 'comment_liked' },
        },
      );
    },
  };
}

export type CommentActionsService = ReturnType<typeof createCommentActionsService>;
