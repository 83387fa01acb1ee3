import { Extensions } from 'type-graphql';

/** Name of the field extension that lets platform operators call a root field. */
export const OPERATOR_ACCESS_EXTENSION = 'operatorAccess';

/**
 * Marks a Query, Mutation or Subscription field as callable by a platform operator. Every root
 * field without it answers an operator with FORBIDDEN (see denyOperatorsByDefault), so a new
 * field is closed to operators until someone decides otherwise.
 */
export const AllowOperators = () => Extensions({ [OPERATOR_ACCESS_EXTENSION]: true });
