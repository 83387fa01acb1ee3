import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

/** Limits that keep one operation from tying up the server; the numbers are generous for real clients. */
export const QUERY_LIMITS = {
  /** Nesting of selection sets, fragments expanded. */
  maxDepth: 12,
  /** Aliased fields in one operation. */
  maxAliases: 30,
  /** Fields selected in one operation, fragments expanded once per use. */
  maxFields: 600,
} as const;

interface Totals {
  depth: number;
  aliases: number;
  fields: number;
}

function measure(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  depth: number,
  totals: Totals,
  visiting: Set<string>,
): void {
  totals.depth = Math.max(totals.depth, depth);
  for (const selection of selectionSet.selections) {
    if (totals.fields > QUERY_LIMITS.maxFields) return;
    if (selection.kind === Kind.FIELD) {
      totals.fields += 1;
      if (selection.alias) totals.aliases += 1;
      if (selection.selectionSet) measure(selection.selectionSet, fragments, depth + 1, totals, visiting);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      measure(selection.selectionSet, fragments, depth, totals, visiting);
    } else {
      const fragment = fragments.get(selection.name.value);
      // A fragment cycle is reported by graphql-js's own NoFragmentCycles rule.
      if (!fragment || visiting.has(fragment.name.value)) continue;
      visiting.add(fragment.name.value);
      measure(fragment.selectionSet, fragments, depth, totals, visiting);
      visiting.delete(fragment.name.value);
    }
  }
}

/** Validation rule rejecting operations deeper, more aliased or larger than QUERY_LIMITS. */
export function queryLimitsRule(context: ValidationContext): ASTVisitor {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of context.getDocument().definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return {
    OperationDefinition(operation) {
      const totals: Totals = { depth: 0, aliases: 0, fields: 0 };
      measure(operation.selectionSet, fragments, 1, totals, new Set());
      const problems = [];
      if (totals.depth > QUERY_LIMITS.maxDepth) problems.push(`nests ${totals.depth} levels (maximum ${QUERY_LIMITS.maxDepth})`);
      if (totals.aliases > QUERY_LIMITS.maxAliases) problems.push(`uses ${totals.aliases} aliases (maximum ${QUERY_LIMITS.maxAliases})`);
      if (totals.fields > QUERY_LIMITS.maxFields) problems.push(`selects more than ${QUERY_LIMITS.maxFields} fields`);
      if (problems.length > 0) {
        context.reportError(
          new GraphQLError(`The operation is too large: it ${problems.join(', ')}. Split it into smaller operations.`, {
            nodes: [operation],
          }),
        );
      }
    },
  };
}
