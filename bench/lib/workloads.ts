import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { acknowledgeEnforcedSecurityFeatures } from '../../gateway/auth/fieldRules.ts';
import { locationOverviewQuery } from '../../schema/operations.ts';
import { benchBearerToken, signedIdentityHeaders } from './benchIdentity.ts';
import { startChild } from './childProcess.ts';
import { startRestaurantBackend } from './restaurantBackend.ts';
import { writeSupergraphWithRoutingUrls } from './supergraph.ts';

/**
 * The workloads every gateway is measured on. Each starts its subgraphs in a process of their
 * own and says what to send and what must come back.
 */
export interface RunningWorkload {
  /** The supergraph file with the routing URLs of the subgraphs just started. */
  supergraphPath: string;
  /** The POST body of the one operation the workload sends. */
  body: string;
  /** Its request headers, made afresh before every load run (signatures expire). */
  requestHeaders(): Record<string, string>;
  /** More environment for OUR gateway, e.g. limits the workload's query needs raised. */
  gatewayEnv?: Record<string, string>;
  /** The response every answer must equal; undefined: stock Apollo Gateway's first answer. */
  expectedJson?: string;
  /** Subgraphs that can be measured directly, with the bodies the gateways sent them. */
  seenSubgraphRequests?: () => Promise<{ name: string; url: string; bodies: string[] }[]>;
  stop(): Promise<void>;
}

export interface WorkloadSettings {
  subgraphDelayMs: number;
  /** CPUs for the subgraphs' process (taskset list), or all when undefined. */
  cpus: string | undefined;
}

export interface MeasuredWorkload {
  id: string;
  title: string;
  start(settings: WorkloadSettings): Promise<RunningWorkload>;
}

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/** (a) The public federation benchmark: TestQuery over accounts, inventory, products, reviews. */
export const federationWorkload: MeasuredWorkload = {
  id: 'federation',
  title: '(a) Federation benchmark: TestQuery over 4 subgraphs',
  async start({ subgraphDelayMs, cpus }) {
    const subgraphs = await startChild(path('../federation/main.ts'), {
      env: { PORT: '0', SUBGRAPH_DELAY_MS: String(subgraphDelayMs) },
      cpus,
      readyPattern: /subgraphs listening at (\S+)/,
    });
    const origin = subgraphs.ready[1] ?? '';
    const names = ['accounts', 'inventory', 'products', 'reviews'];
    const supergraphPath = writeSupergraphWithRoutingUrls(
      path('../federation/supergraph.graphql'),
      Object.fromEntries(names.map((name) => [name, `${origin}/${name}`])),
    );
    const query = readFileSync(path('../federation/test-query.graphql'), 'utf8');
    const expected = readFileSync(path('../federation/expected-response.json'), 'utf8');
    const authorization = `Bearer ${await benchBearerToken()}`;
    return {
      supergraphPath,
      body: JSON.stringify({ query, operationName: 'TestQuery' }),
      requestHeaders: () => ({ authorization }),
      // TestQuery nests four lists deep; at the default 20 items a list its estimated cost is
      // over OUR gateway's default limit, which would refuse it. The other gateways have no
      // such limit (the published Hive Gateway setup turns its own off).
      gatewayEnv: { MAX_COST: '10000000' },
      expectedJson: JSON.stringify(JSON.parse(expected)),
      async seenSubgraphRequests() {
        const response = await fetch(`${origin}/seen-requests`);
        const seen = (await response.json()) as Record<string, string[]>;
        return names.map((name) => ({
          name,
          url: `${origin}/${name}`,
          bodies: seen[`/${name}`] ?? [],
        }));
      },
      stop: () => subgraphs.stop(),
    };
  },
};

/** (b) The restaurant graph: the README query over the emulated vendors, caches warm. */
export const restaurantWorkload: MeasuredWorkload = {
  id: 'restaurant',
  title: '(b) Restaurant graph: the README query, emulated vendors, warm cache',
  async start({ cpus }) {
    const ready = await startRestaurantBackend({ cpus });
    const authorization = `Bearer ${await benchBearerToken()}`;
    return {
      // Stock Apollo Gateway refuses a supergraph that links `@requiresScopes` for SECURITY,
      // since it cannot enforce it; every gateway gets the link unmarked, as OUR gateway
      // serves it anyway. OUR gateway still enforces the scopes, the peers do not: the caller
      // here (a manager) holds them all, so every answer is the same and only OUR gateway pays
      // for the check.
      supergraphPath: writeSupergraphWithRoutingUrls(
        path('../../schema/supergraph.graphql'),
        ready.subgraphUrls,
        acknowledgeEnforcedSecurityFeatures,
      ),
      body: JSON.stringify({
        query: locationOverviewQuery,
        variables: { locationId: ready.locationId, orders: 5 },
      }),
      requestHeaders: () => ({ authorization, ...signedIdentityHeaders() }),
      stop: () => ready.service.stop(),
    };
  },
};
