import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  parse,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { ErrorCode } from '../../platform/errors.ts';
import type { Identity } from '../../platform/gatewayTrust.ts';

/**
 * Field rules declared in the subgraph SDL with Federation's `@authenticated` and
 * `@requiresScopes` (stock Apollo Gateway ignores both): read once from the supergraph, then
 * checked for every operation. `@requiresScopes(scopes: [["a", "b"], ["c"]])` means (a and b)
 * or c. An operation touching a field the caller may not read is refused with FORBIDDEN and
 * the fields named, before any subgraph is called.
 */
export interface FieldRule {
  authenticated: boolean;
  /** Alternatives, each a set of scopes that together grant access; empty: none needed. */
  scopes: string[][];
}

export type FieldRules = ReadonlyMap<string, FieldRule>;

export function readFieldRules(supergraphSdl: string): FieldRules {
  const rules = new Map<string, FieldRule>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION
    ) {
      continue;
    }
    for (const field of definition.fields ?? []) {
      const rule: FieldRule = { authenticated: false, scopes: [] };
      for (const directive of field.directives ?? []) {
        if (directive.name.value === 'authenticated') rule.authenticated = true;
        if (directive.name.value === 'requiresScopes') {
          const value = directive.arguments?.find((arg) => arg.name.value === 'scopes')?.value;
          if (value?.kind === Kind.LIST) {
            rule.scopes = value.values.map((inner) =>
              inner.kind === Kind.LIST
                ? inner.values.flatMap((scope) => (scope.kind === Kind.STRING ? [scope.value] : []))
                : [],
            );
          }
        }
      }
      if (rule.authenticated || rule.scopes.length > 0) {
        rules.set(`${definition.name.value}.${field.name.value}`, rule);
      }
    }
  }
  return rules;
}

/**
 * `@apollo/gateway` refuses a supergraph that links `@authenticated` or `@requiresScopes` `for:
 * SECURITY`, rightly, since it would not enforce them. This gateway does (the request guard), so
 * it serves the supergraph with the `for` argument of those two links removed. Done on the
 * syntax tree, not the text, so a change in how composition prints the link cannot silently
 * leave it in place; test/contracts/securityLinks.test.ts pins Apollo's refusal and acceptance.
 */
const enforcedHere = /^https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes)\/v[\d.]+$/;

export function acknowledgeEnforcedSecurityFeatures(supergraphSdl: string): string {
  let changed = false;
  const document = visit(parse(supergraphSdl), {
    Directive(node) {
      if (node.name.value !== 'link') return undefined;
      const url = node.arguments?.find((arg) => arg.name.value === 'url')?.value;
      if (url?.kind !== Kind.STRING || !enforcedHere.test(url.value)) return undefined;
      const rest = node.arguments?.filter((arg) => arg.name.value !== 'for') ?? [];
      if (rest.length === node.arguments?.length) return undefined;
      changed = true;
      return { ...node, arguments: rest };
    },
  });
  return changed ? print(document) : supergraphSdl;
}

export function forbiddenFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  rules: FieldRules,
  identity: Identity | undefined,
): string[] {
  if (rules.size === 0) return [];
  const denied = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (!parent) return;
        const key = `${parent.name}.${node.name.value}`;
        const rule = rules.get(key);
        if (rule && !allowed(rule, identity)) denied.add(key);
      },
    }),
  );
  return [...denied].sort();
}

function allowed(rule: FieldRule, identity: Identity | undefined): boolean {
  if (!identity) return false;
  if (rule.scopes.length === 0) return true;
  return rule.scopes.some((all) => all.every((scope) => identity.scopes.includes(scope)));
}

export function forbidden(fields: readonly string[]): GraphQLError {
  return new GraphQLError(`not allowed to read ${fields.join(', ')}`, {
    extensions: { code: ErrorCode.FORBIDDEN, fields, http: { status: 403 } },
  });
}
