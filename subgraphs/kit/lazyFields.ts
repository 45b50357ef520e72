/**
 * Field resolvers for an entity that may arrive as a bare reference (`{ id }`) from a parent
 * field or from the gateway: a field answers from the object when it already holds it, and
 * otherwise loads the entity by id (through a batching loader). A query that only needs the id
 * (e.g. to join another subgraph) then costs no vendor call at all.
 */
export function lazyFields<C, V extends { id: string }>(
  load: (context: C, id: string) => Promise<V>,
  fields: readonly Exclude<keyof V & string, 'id'>[],
): Record<string, (parent: Partial<V> & { id: string }, args: unknown, context: C) => unknown> {
  return Object.fromEntries(
    fields.map((field) => [
      field,
      async (parent: Partial<V> & { id: string }, _args: unknown, context: C) =>
        field in parent ? parent[field] : (await load(context, parent.id))[field],
    ]),
  );
}
