import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../platform/errors.ts';
import { type LoadedSupergraph, loadSupergraph } from './loadedSupergraph.ts';

/**
 * The one holder of the gateway's supergraph, as gateway-js's supergraph managers hold theirs.
 * Apollo's gateway (queries), the subscription planner, the field rules and the subgraph list
 * all come from one `LoadedSupergraph`, so a hot reload swaps them together or not at all:
 * the new version is built in full, then handed to Apollo's gateway (which refuses by
 * throwing, leaving its own state as it was), and only then made current. Readers take one
 * snapshot per request (`current()`), so no request sees half of two versions.
 */
export type SupergraphState =
  | { phase: 'initialized' }
  | { phase: 'loaded'; supergraph: LoadedSupergraph }
  | { phase: 'stopped' };

/** Apollo's `supergraphSdl` hook: it gets the initial SDL and hands out its update callback. */
export type ApolloSupergraphHook = (options: {
  update: (supergraphSdl: string) => void;
}) => Promise<{ supergraphSdl: string }>;

export interface SupergraphOwner {
  state(): SupergraphState;
  /** The current version; a 503 `SUPERGRAPH_NOT_LOADED` error before the first or after stop. */
  current(): LoadedSupergraph;
  /**
   * Makes `composedSdl` current. Throws, with everything left on the current version, when the
   * supergraph cannot be built or Apollo's gateway refuses it.
   */
  load(composedSdl: string): LoadedSupergraph;
  /** For `new ApolloGateway({ supergraphSdl })`: serves the current version, keeps `update`. */
  apolloHook: ApolloSupergraphHook;
  /** Called after each swap, with the new and the previous version. */
  onLoaded(listener: (next: LoadedSupergraph, previous: LoadedSupergraph) => void): () => void;
  stop(): void;
}

export function notLoaded(phase: SupergraphState['phase']): GraphQLError {
  return new GraphQLError(`the supergraph is not loaded (${phase})`, {
    extensions: { code: ErrorCode.SUPERGRAPH_NOT_LOADED, http: { status: 503 } },
  });
}

export function createSupergraphOwner(options: {
  subgraphUrls: Readonly<Record<string, string | undefined>>;
}): SupergraphOwner {
  let state: SupergraphState = { phase: 'initialized' };
  let updateApollo: ((supergraphSdl: string) => void) | undefined;
  const listeners = new Set<(next: LoadedSupergraph, previous: LoadedSupergraph) => void>();
  const current = (): LoadedSupergraph => {
    switch (state.phase) {
      case 'loaded':
        return state.supergraph;
      case 'initialized':
      case 'stopped':
        throw notLoaded(state.phase);
      default:
        return unreachable(state);
    }
  };
  return {
    state: () => state,
    current,
    load(composedSdl) {
      switch (state.phase) {
        case 'stopped':
          throw notLoaded(state.phase);
        case 'initialized': {
          const supergraph = loadSupergraph(composedSdl, options.subgraphUrls);
          state = { phase: 'loaded', supergraph };
          return supergraph;
        }
        case 'loaded': {
          const previous = state.supergraph;
          const next = loadSupergraph(composedSdl, options.subgraphUrls);
          // Apollo's gateway builds its schema and planner before it changes anything, and
          // throws when it cannot: a refusal here leaves both sides on `previous`.
          updateApollo?.(next.servedSdl);
          state = { phase: 'loaded', supergraph: next };
          for (const listener of listeners) listener(next, previous);
          return next;
        }
        default:
          return unreachable(state);
      }
    },
    apolloHook: async ({ update }) => {
      updateApollo = update;
      return { supergraphSdl: current().servedSdl };
    },
    onLoaded(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      state = { phase: 'stopped' };
      listeners.clear();
      updateApollo = undefined;
    },
  };
}

function unreachable(value: never): never {
  throw new Error(`unexpected supergraph state ${JSON.stringify(value)}`);
}
