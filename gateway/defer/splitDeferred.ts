import {
  type ArgumentNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  getOperationAST,
  type InlineFragmentNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  valueFromASTUntyped,
  visit,
} from 'graphql';

/**
 * `@defer` by splitting: the operation without its deferred fragments (the initial part), and
 * one operation per deferred fragment that selects only the path down to it and the fragment
 * itself. `@apollo/gateway` cannot execute deferred plans, but it runs each of these as an
 * ordinary query, so each deferred part arrives when the subgraphs it needs answer. The cost is
 * that a deferred part fetches its path's parents again (from the subgraphs' caches, mostly).
 *
 * A `@defer` nested in a deferred fragment arrives with it, and one inside a named fragment's
 * definition (rather than on its spread) is not deferred: both are valid ways for a server to
 * deliver (the spec lets a server send deferred data early).
 */
export interface DeferredPart {
  label?: string | undefined;
  /** Response keys from the root down to the objects the fragment applies to (lists expand). */
  path: readonly string[];
  document: DocumentNode;
}

export interface SplitOperation {
  initial: DocumentNode;
  deferred: DeferredPart[];
}

/** Whether a document uses `@defer` at all (cheap, before any splitting). */
export function mentionsDefer(query: string): boolean {
  return query.includes('@defer');
}

/** The document split at its deferred fragments, or undefined when nothing is deferred. */
export function splitDeferred(
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
): SplitOperation | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation) return undefined;
  const fragments = document.definitions.filter(
    (d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION,
  );
  const deferred: DeferredPart[] = [];
  type Ancestor = FieldNode | InlineFragmentNode;

  const walk = (set: SelectionSetNode, ancestors: readonly Ancestor[]): SelectionSetNode => {
    const kept: SelectionNode[] = [];
    for (const selection of set.selections) {
      if (selection.kind !== Kind.FIELD && isDeferred(selection, variables)) {
        deferred.push({
          label: labelOf(selection, variables),
          path: ancestors.filter((a): a is FieldNode => a.kind === Kind.FIELD).map(responseKey),
          document: partDocument(operation, fragments, ancestors, withoutDefer(selection)),
        });
        continue;
      }
      if (selection.kind === Kind.FIELD && selection.selectionSet) {
        kept.push({
          ...selection,
          selectionSet: walk(selection.selectionSet, [...ancestors, selection]),
        });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        kept.push({
          ...withoutDefer(selection),
          selectionSet: walk(selection.selectionSet, [...ancestors, selection]),
        });
      } else {
        kept.push(selection.kind === Kind.FRAGMENT_SPREAD ? withoutDefer(selection) : selection);
      }
    }
    // A selection set may not be empty: what was all deferred leaves the type name.
    return {
      ...set,
      selections: kept.length > 0 ? kept : [{ kind: Kind.FIELD, name: name('__typename') }],
    };
  };

  const initialSelections = walk(operation.selectionSet, []);
  if (deferred.length === 0) return undefined;
  return {
    initial: pruned({ ...operation, selectionSet: initialSelections }, fragments),
    deferred,
  };
}

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
const responseKey = (field: FieldNode) => field.alias?.value ?? field.name.value;

function deferDirective(selection: SelectionNode): DirectiveNode | undefined {
  return selection.directives?.find((d) => d.name.value === 'defer');
}

function argument(
  directive: DirectiveNode,
  argName: string,
  variables: Record<string, unknown>,
): unknown {
  const arg = directive.arguments?.find((a: ArgumentNode) => a.name.value === argName);
  return arg ? valueFromASTUntyped(arg.value, variables) : undefined;
}

function isDeferred(selection: SelectionNode, variables: Record<string, unknown>): boolean {
  const directive = deferDirective(selection);
  return directive !== undefined && argument(directive, 'if', variables) !== false;
}

function labelOf(selection: SelectionNode, variables: Record<string, unknown>): string | undefined {
  const directive = deferDirective(selection);
  const label = directive ? argument(directive, 'label', variables) : undefined;
  return typeof label === 'string' ? label : undefined;
}

function withoutDefer<T extends InlineFragmentNode | FragmentSpreadNode>(selection: T): T {
  return {
    ...selection,
    directives: selection.directives?.filter((d) => d.name.value !== 'defer'),
  };
}

/** The operation reduced to the path down to `leaf`, every other `@defer` in it dropped. */
function partDocument(
  operation: OperationDefinitionNode,
  fragments: readonly FragmentDefinitionNode[],
  ancestors: readonly (FieldNode | InlineFragmentNode)[],
  leaf: SelectionNode,
): DocumentNode {
  let inner: SelectionNode = leaf;
  for (const ancestor of [...ancestors].reverse()) {
    inner = {
      ...(ancestor.kind === Kind.INLINE_FRAGMENT ? withoutDefer(ancestor) : ancestor),
      selectionSet: { kind: Kind.SELECTION_SET, selections: [inner] },
    } as FieldNode | InlineFragmentNode;
  }
  return pruned(
    { ...operation, selectionSet: { kind: Kind.SELECTION_SET, selections: [inner] } },
    fragments,
  );
}

/**
 * The operation with only the fragments and variable definitions it uses (validation refuses
 * unused ones), and no `@defer` left anywhere.
 */
function pruned(
  operation: OperationDefinitionNode,
  fragments: readonly FragmentDefinitionNode[],
): DocumentNode {
  const byName = new Map(fragments.map((f) => [f.name.value, f]));
  const used = new Set<string>();
  const variables = new Set<string>();
  const collect = (node: OperationDefinitionNode | FragmentDefinitionNode) => {
    visit(node.selectionSet, {
      FragmentSpread(spread) {
        if (used.has(spread.name.value)) return;
        used.add(spread.name.value);
        const fragment = byName.get(spread.name.value);
        if (fragment) collect(fragment);
      },
      Variable(variable) {
        variables.add(variable.name.value);
      },
    });
  };
  collect(operation);
  return withoutDeferDirectives({
    kind: Kind.DOCUMENT,
    definitions: [
      {
        ...operation,
        variableDefinitions: operation.variableDefinitions?.filter((v) =>
          variables.has(v.variable.name.value),
        ),
      },
      ...fragments.filter((f) => used.has(f.name.value)),
    ],
  });
}

/** The document with every `@defer` removed: what runs when nothing is delivered incrementally. */
export function withoutDeferDirectives(document: DocumentNode): DocumentNode {
  return visit(document, { enter: (node) => (isDefer(node) ? null : undefined) });
}

const isDefer = (node: { kind: string }) =>
  node.kind === Kind.DIRECTIVE && (node as DirectiveNode).name.value === 'defer';

/**
 * A deferred part's result as incremental payload entries: one per object its path reaches,
 * each with its own path (list indexes included) and the fragment's fields as its data.
 */
export function incrementalEntries(
  part: DeferredPart,
  data: Record<string, unknown> | null | undefined,
): { data: Record<string, unknown>; path: (string | number)[]; label?: string }[] {
  const entries: { data: Record<string, unknown>; path: (string | number)[]; label?: string }[] =
    [];
  const reach = (value: unknown, rest: readonly string[], at: (string | number)[]) => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) reach(item, rest, [...at, index]);
      return;
    }
    if (typeof value !== 'object') return;
    const [next, ...remaining] = rest;
    if (next === undefined) {
      entries.push({
        data: value as Record<string, unknown>,
        path: at,
        ...(part.label ? { label: part.label } : {}),
      });
      return;
    }
    reach((value as Record<string, unknown>)[next], remaining, [...at, next]);
  };
  reach(data, part.path, []);
  return entries;
}
