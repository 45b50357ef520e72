import type { ServerResponse } from 'node:http';
import { type DocumentNode, execute, type GraphQLSchema, parse } from 'graphql';
import { readBody } from '../../platform/graphqlHttp.ts';
import { closeServer, listen, type Route, type ServiceHandle } from '../../platform/httpServer.ts';
import { buildBenchmarkSubgraphSchema, type SubgraphName, subgraphNames } from './schemas.ts';

/**
 * The four benchmark subgraphs from one process, at `/accounts`, `/inventory`, `/products` and
 * `/reviews`, as the published Rust server serves them. Each distinct request body is executed
 * once and its response kept, so a subgraph answer costs a map lookup and the gateway in front
 * is what a benchmark measures. `GET /seen-requests` lists the distinct bodies each subgraph
 * got (the harness replays them to measure the subgraphs directly).
 */
export interface FederationSubgraphsSettings {
  host: string;
  port: number;
  /** A fixed delay before every subgraph answer, as the published SUBGRAPH_DELAY_MS adds. */
  delayMs: number;
}

export interface FederationSubgraphs extends ServiceHandle {
  /** Each subgraph's URL, by subgraph name. */
  urls: Record<SubgraphName, string>;
}

/** Bounds the memo so a stray client sending ever-new bodies cannot grow it without end. */
const maxRememberedBodies = 10_000;

export async function startFederationSubgraphs(
  settings: FederationSubgraphsSettings,
): Promise<FederationSubgraphs> {
  const answers = new Map<string, string>();
  const seen: Record<string, string[]> = {};
  const routes: Record<string, Route> = {};

  for (const name of subgraphNames) {
    const answer = createMemoizedExecutor(buildBenchmarkSubgraphSchema(name));
    const bodies: string[] = [];
    seen[`/${name}`] = bodies;
    routes[`POST /${name}`] = async (req, res) => {
      const raw = await readBody(req, 1024 * 1024);
      if (raw === 'too-large') return send(res, 413, '{"errors":[{"message":"body too large"}]}');
      const key = `${name}\n${raw}`;
      let json = answers.get(key);
      if (json === undefined) {
        json = await answer(raw);
        if (answers.size < maxRememberedBodies) {
          answers.set(key, json);
          bodies.push(raw);
        }
      }
      if (settings.delayMs > 0) await sleep(settings.delayMs);
      send(res, 200, json);
    };
  }
  routes['GET /seen-requests'] = (_req, res) => send(res, 200, JSON.stringify(seen));
  routes['GET /health'] = (_req, res) => send(res, 200, '{"status":"ok"}');

  const { server, origin } = await listen({ host: settings.host, port: settings.port, routes });
  const urls = Object.fromEntries(subgraphNames.map((name) => [name, `${origin}/${name}`]));
  return {
    url: origin,
    urls: urls as Record<SubgraphName, string>,
    close: () => closeServer(server),
  };
}

function createMemoizedExecutor(schema: GraphQLSchema) {
  const documents = new Map<string, DocumentNode>();
  return async (raw: string): Promise<string> => {
    let request: { query?: string; variables?: Record<string, unknown>; operationName?: string };
    try {
      request = JSON.parse(raw);
    } catch {
      return JSON.stringify({ errors: [{ message: 'body is not valid JSON' }] });
    }
    const query = request.query ?? '';
    let document = documents.get(query);
    if (!document) {
      document = parse(query);
      documents.set(query, document);
    }
    const result = await execute({
      schema,
      document,
      variableValues: request.variables ?? null,
      operationName: request.operationName ?? null,
    });
    return JSON.stringify(result);
  };
}

function send(res: ServerResponse, status: number, json: string): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
