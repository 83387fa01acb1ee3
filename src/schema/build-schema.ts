import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import { AuthResolver } from '../resolvers/auth.resolver.js';
import { ConversationResolver } from '../resolvers/conversation.resolver.js';
import { DirectoryResolver } from '../resolvers/directory.resolver.js';
import { MessageResolver } from '../resolvers/message.resolver.js';
import { SubscriptionResolver } from '../resolvers/subscription.resolver.js';
import { TypingResolver } from '../resolvers/typing.resolver.js';
import { VisitorResolver } from '../resolvers/visitor.resolver.js';

export const resolvers = [
  AuthResolver,
  DirectoryResolver,
  ConversationResolver,
  MessageResolver,
  SubscriptionResolver,
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
export function buildParleySchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    // Inputs are checked in services, where the domain rules live.
    validate: false,
    pubSub: subscriptionsUseTheEventBus,
  });
}
