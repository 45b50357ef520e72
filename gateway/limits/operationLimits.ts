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

/** What a selection set adds at multiplier 1: cost and aliases scale with the lists above it. */
interface Measure {
  /** Levels of selection sets below this one. */
  depthBelow: number;
  aliases: number;
  cost: number;
  introspection: boolean;
}

/**
 * Measures in time linear in the document: a fragment is measured once and its measure reused
 * wherever it is spread (cost and aliases scale by the lists above the spread). Walking each
 * spread afresh, a document of fragments that each spread the next twice took 2^depth steps.
 */
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
  // A variable the client left out counts at its declared default, as it will run.
  const defaults: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const value = definition.defaultValue;
    if (value?.kind === Kind.INT) defaults[definition.variable.name.value] = Number(value.value);
  }
  const values = { ...defaults, ...variables };

  const listSize = (field: FieldNode): number => {
    const first = field.arguments?.find((arg) => arg.name.value === 'first')?.value;
    const value =
      first?.kind === Kind.INT
        ? Number(first.value)
        : first?.kind === Kind.VARIABLE
          ? Number(values[first.name.value])
          : Number.NaN;
    return Number.isFinite(value) && value >= 0 ? value : defaultListSize;
  };

  const empty: Measure = { depthBelow: 0, aliases: 0, cost: 0, introspection: false };
  const measured = new Map<string, Measure>();
  const measuring = new Set<string>();

  const measureFragment = (name: string, parent: GraphQLNamedType): Measure => {
    const known = measured.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    // A fragment cycle is a validation error; counting it as nothing keeps this finite.
    if (!fragment || measuring.has(name)) return empty;
    measuring.add(name);
    const condition = schema.getType(fragment.typeCondition.name.value) ?? parent;
    const measure = measureSet(fragment.selectionSet, condition);
    measuring.delete(name);
    measured.set(name, measure);
    return measure;
  };

  const measureSet = (selectionSet: SelectionSetNode, parent: GraphQLNamedType): Measure => {
    const total: Measure = { depthBelow: 0, aliases: 0, cost: 0, introspection: false };
    const add = (part: Measure, depthOffset: number, multiplier: number) => {
      total.depthBelow = Math.max(total.depthBelow, part.depthBelow + depthOffset);
      total.aliases += part.aliases;
      total.cost += part.cost * multiplier;
      total.introspection ||= part.introspection;
    };
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.alias) total.aliases += 1;
        const name = selection.name.value;
        if (name === '__schema' || name === '__type') total.introspection = true;
        const fields = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields() : {};
        const definition = fields[name];
        if (!definition || !selection.selectionSet) continue;
        const type = getNamedType(definition.type);
        if (!isCompositeType(type)) continue;
        const size = isListType(getNullableType(definition.type)) ? listSize(selection) : 1;
        total.cost += 1;
        add(measureSet(selection.selectionSet, type), 1, size);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : parent;
        add(measureSet(selection.selectionSet, condition ?? parent), 0, 1);
      } else {
        add(measureFragment(selection.name.value, parent), 0, 1);
      }
    }
    return total;
  };

  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (!root) return { depth: 0, aliases: 0, cost: 0, introspection: false };
  const measure = measureSet(operation.selectionSet, root);
  return {
    depth: 1 + measure.depthBelow,
    aliases: measure.aliases,
    cost: measure.cost,
    introspection: measure.introspection,
  };
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
