import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { ErrorCode } from '../../platform/errors.ts';

/**
 * Static limits on an operation, checked at the gateway before planning: nesting depth, aliases,
 * and an estimated cost in the spirit of IBM/Apollo demand control (each object or list field
 * costs 1, times the sizes of the lists above it; a list's size is its `first` argument, else
 * `defaultListSize`). A request over a limit is refused whole with a stable code.
 */
export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  /** Assumed size of a list field without a `first` argument. */
  defaultListSize: number;
}

export const defaultOperationLimits: OperationLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxCost: 20_000,
  defaultListSize: 20,
};

export interface OperationShape {
  depth: number;
  aliases: number;
  cost: number;
  introspection: boolean;
}

export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  defaultListSize: number,
): OperationShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  }
  const shape: OperationShape = { depth: 0, aliases: 0, cost: 0, introspection: false };

  const listSize = (field: FieldNode): number => {
    const first = field.arguments?.find((arg) => arg.name.value === 'first')?.value;
    const value =
      first?.kind === Kind.INT
        ? Number(first.value)
        : first?.kind === Kind.VARIABLE
          ? Number(variables[first.name.value])
          : Number.NaN;
    return Number.isFinite(value) && value >= 0 ? value : defaultListSize;
  };

  const walk = (
    selectionSet: SelectionSetNode,
    parent: GraphQLNamedType,
    depth: number,
    multiplier: number,
    spreads: ReadonlySet<string>,
  ): void => {
    shape.depth = Math.max(shape.depth, depth);
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) shape.aliases += 1;
        const name = selection.name.value;
        if (name === '__schema' || name === '__type') shape.introspection = true;
        const fields = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields() : {};
        const definition = fields[name];
        if (!definition || !selection.selectionSet) continue;
        const type = getNamedType(definition.type);
        if (!isCompositeType(type)) continue;
        const size = isListType(getNullableType(definition.type)) ? listSize(selection) : 1;
        shape.cost += multiplier;
        walk(selection.selectionSet, type, depth + 1, multiplier * size, spreads);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : parent;
        walk(selection.selectionSet, condition ?? parent, depth, multiplier, spreads);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // A fragment cycle is a validation error; skipping it here keeps this walk finite.
        if (!fragment || spreads.has(name)) continue;
        const condition = schema.getType(fragment.typeCondition.name.value) ?? parent;
        walk(fragment.selectionSet, condition, depth, multiplier, new Set([...spreads, name]));
      }
    }
  };

  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (root) walk(operation.selectionSet, root, 1, 1, new Set());
  return shape;
}

export function limitError(
  shape: OperationShape,
  limits: OperationLimits,
): GraphQLError | undefined {
  if (shape.depth > limits.maxDepth) {
    return refuse(
      ErrorCode.DEPTH_LIMIT_EXCEEDED,
      `depth ${shape.depth} exceeds ${limits.maxDepth}`,
    );
  }
  if (shape.aliases > limits.maxAliases) {
    return refuse(
      ErrorCode.ALIAS_LIMIT_EXCEEDED,
      `${shape.aliases} aliases exceed ${limits.maxAliases}`,
    );
  }
  if (shape.cost > limits.maxCost) {
    return refuse(
      ErrorCode.COST_LIMIT_EXCEEDED,
      `estimated cost ${shape.cost} exceeds ${limits.maxCost}`,
    );
  }
  return undefined;
}

function refuse(code: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}
