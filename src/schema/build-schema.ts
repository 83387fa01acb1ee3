import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import { AuditLogResolver } from '../resolvers/audit-log.resolver.js';
import { AttachmentResolver } from '../resolvers/attachment.resolver.js';
import { AuthResolver } from '../resolvers/auth.resolver.js';
import { ChannelResolver } from '../resolvers/channel.resolver.js';
import { CommentResolver } from '../resolvers/comment.resolver.js';
import { ConversationResolver } from '../resolvers/conversation.resolver.js';
import { DataSubjectResolver } from '../resolvers/data-subject.resolver.js';
import { DirectoryResolver } from '../resolvers/directory.resolver.js';
import { MessageResolver } from '../resolvers/message.resolver.js';
import { OperatorResolver } from '../resolvers/operator.resolver.js';
import { PrivacyPolicyResolver } from '../resolvers/privacy-policy.resolver.js';
import { RetentionResolver } from '../resolvers/retention.resolver.js';
import { SubscriptionResolver } from '../resolvers/subscription.resolver.js';
import { denyOperatorsByDefault } from './deny-operators.js';
import { TypingResolver } from '../resolvers/typing.resolver.js';
import { VisitorResolver } from '../resolvers/visitor.resolver.js';

export const resolvers = [
  AuthResolver,
  DirectoryResolver,
  ChannelResolver,
  ConversationResolver,
  MessageResolver,
  CommentResolver,
  AttachmentResolver,
  SubscriptionResolver,
  PrivacyPolicyResolver,
  AuditLogResolver,
  OperatorResolver,
  DataSubjectResolver,
  RetentionResolver,
  VisitorResolver,
  TypingResolver,
] as const;

// type-graphql requires a PubSub whenever there are subscriptions, but every Parley subscription
// brings its own `subscribe` function over the tenant-scoped event bus, so this one is never called.
const subscriptionsUseTheEventBus: PubSub = {
  publish() {
    throw new Error('publish through the EventBus, not the type-graphql PubSub');
  },
  subscribe() {
    throw new Error('subscriptions must declare a subscribe function over the EventBus');
  },
};

/** Builds the GraphQL schema from the resolver classes; the result is committed as schema.graphql. */
export async function buildParleySchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers,
    // Inputs are checked in services, where the domain rules live.
    validate: false,
    pubSub: subscriptionsUseTheEventBus,
  });
  return denyOperatorsByDefault(schema);
}
