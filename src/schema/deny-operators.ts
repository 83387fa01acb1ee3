import { defaultFieldResolver, type GraphQLField, type GraphQLSchema } from 'graphql';
import { forbidden } from '../errors/app-error.js';
import type { RequestContext } from '../server/context.js';
import { OPERATOR_ACCESS_EXTENSION } from './access.js';

const OPERATOR_FORBIDDEN = "Platform operators may not use this field: it reads or changes a tenant's own data.";

/**
 * Wraps every Query and Mutation resolver and every Subscription's subscribe function so that a
 * platform operator gets FORBIDDEN before the field runs, unless the field is marked with
 * AllowOperators. Denying by default means a field added later is closed to operators without
 * anyone remembering to close it; services still check the viewer as well.
 */
export function denyOperatorsByDefault(schema: GraphQLSchema): GraphQLSchema {
  const rootTypes = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
  for (const rootType of rootTypes) {
    if (!rootType) continue;
    const isSubscription = rootType === schema.getSubscriptionType();
    for (const field of Object.values(rootType.getFields())) {
      if (field.extensions[OPERATOR_ACCESS_EXTENSION] === true) continue;
      const config = field as GraphQLField<unknown, RequestContext>;
      const key = isSubscription ? 'subscribe' : 'resolve';
      const original = config[key] ?? defaultFieldResolver;
      config[key] = (source, args, context, info) => {
        if (context.viewer.kind === 'operator') throw forbidden(OPERATOR_FORBIDDEN);
        return original(source, args, context, info);
      };
    }
  }
  return schema;
}
