import type { RemoteGraphQLDataSource } from '@apollo/gateway';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

/**
 * Identical subgraph queries in flight at the same time share one HTTP call, as Apollo
 * Router's `deduplicate_query` and Hive Gateway's default do: the later callers wait for the
 * first one's answer. Identical means the same URL, headers and body, so the subgraph could
 * not have told the calls apart. Only queries are shared (never mutations), and only while in
 * flight: nothing is cached once the answer is in.
 *
 * Every caller gets its own copy of the response (`clone()`) and parses its own body, because
 * the gateway merges subgraph data into its result objects in place.
 */
export function deduplicateInflightQueries(fetcher: Fetcher): Fetcher {
  const inflight = new Map<string, Promise<FetcherResponse>>();
  return (url, init) => {
    if (init?.method !== 'POST' || typeof init.body !== 'string' || !isQuery(init.body)) {
      return fetcher(url, init);
    }
    // The request id and trace context differ per request by design; they do not change what
    // the subgraph answers (a shared call is traced in the first caller's trace).
    const {
      'x-request-id': _requestId,
      traceparent: _traceparent,
      tracestate: _tracestate,
      ...headers
    } = (init.headers ?? {}) as Record<string, string>;
    const key = `${url}\n${JSON.stringify(headers)}\n${init.body}`;
    let shared = inflight.get(key);
    if (!shared) {
      shared = fetcher(url, init);
      inflight.set(key, shared);
      const forget = () => inflight.delete(key);
      shared.then(forget, forget);
    }
    return shared.then((response) => response.clone());
  };
}

/**
 * Whether a GraphQL-over-HTTP body (`{"query":"...",...}` as the gateway's data source writes
 * it, the operation first) holds a query. The gateway writes every subgraph operation with
 * its keyword (`query Name__subgraph__0{...}`); a shorthand `{...}` is a query too. Anything
 * else is not shared.
 */
function isQuery(body: string): boolean {
  return (
    body.startsWith('{"query":"query ') ||
    body.startsWith('{"query":"query{') ||
    body.startsWith('{"query":"{')
  );
}
