/**
 * The load generator's own process (forked by loadClient.ts, talking over IPC), so autocannon
 * never shares an event loop with a gateway or the subgraphs. Each message is one autocannon
 * run; every response body is checked against the expected response, if one is given.
 */
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import type { LoadRequest, LoadResult } from './loadClient.ts';

// Ends with the harness: the IPC channel closes when the harness exits.
process.once('disconnect', () => process.exit(0));
process.on('message', (message: { id: number; request: LoadRequest }) => {
  runLoad(message.request).then(
    (result) => process.send?.({ id: message.id, result }),
    (error: unknown) => process.send?.({ id: message.id, error: String(error) }),
  );
});

async function runLoad(request: LoadRequest): Promise<LoadResult> {
  const check = request.expectedJson === undefined ? undefined : bodyChecker(request.expectedJson);
  const target = new URL(request.url);
  const result = await autocannon({
    url: target.origin,
    connections: request.connections,
    duration: request.durationSec,
    // As k6's default: a gateway that falls behind shows in latency before it counts as an error.
    timeout: 60,
    requests: request.bodies.map((body) => ({
      method: 'POST' as const,
      path: target.pathname,
      headers: { ...request.headers, 'content-type': 'application/json' },
      body,
    })),
    ...(check ? { verifyBody: check.verify } : {}),
  });
  return {
    requests: result.requests.total,
    durationSec: result.duration,
    rps: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    mismatches: result.mismatches,
    ...(check?.firstMismatch() ? { firstMismatch: check.firstMismatch() } : {}),
  };
}

/**
 * Equal to the expected response as JSON (gateways may differ in whitespace). A body once
 * found equal is remembered, so the rest are checked by one string comparison.
 */
function bodyChecker(expectedJson: string) {
  const expected: unknown = JSON.parse(expectedJson);
  const known = new Set<string>();
  let mismatch: string | undefined;
  return {
    verify(body: string): boolean {
      if (known.has(body)) return true;
      let equal = false;
      try {
        equal = isDeepStrictEqual(JSON.parse(body), expected);
      } catch {
        equal = false;
      }
      if (equal && known.size < 8) known.add(body);
      if (!equal && mismatch === undefined) mismatch = body.slice(0, 2_000);
      return equal;
    },
    firstMismatch: () => mismatch,
  };
}
