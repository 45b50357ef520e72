import http from 'node:http';
import https from 'node:https';
import {
  BufferedResponse,
  type Fetcher,
  type FetcherRequestInit,
  fetchError,
  ResponseHeaders,
} from './subgraphResponse.ts';

/**
 * The gateway's HTTP client for subgraph calls: `node:http` over keep-alive connection pools,
 * in place of `@apollo/gateway`'s default (make-fetch-happen), which spends a large part of a
 * federated request building agents, cache keys and a stack trace per connection. A subgraph
 * call is a small POST whose whole answer the gateway reads at once, so the answer is read
 * into memory before the promise settles and its body methods just decode it.
 *
 * What the data source sees is what make-fetch-happen gave it: redirects followed as fetch
 * does (at most 20), a network failure rejected with `request to <url> failed, reason:
 * <cause>` and the cause's `code`, a body that is not JSON with `invalid json response body
 * at <url> reason: <cause>`.
 */
export interface SubgraphFetcherOptions {
  /** Most sockets per subgraph origin; further calls queue for a free one. */
  maxSocketsPerOrigin?: number;
}

const maxRedirects = 20;

interface Target {
  secure: boolean;
  hostname: string;
  port: string;
  path: string;
}

export function createSubgraphFetcher(options: SubgraphFetcherOptions = {}): Fetcher {
  const pool = {
    keepAlive: true,
    maxSockets: options.maxSocketsPerOrigin ?? Number.POSITIVE_INFINITY,
    // Reuse the most recently used socket first, so idle ones time out instead of all
    // staying half-used.
    scheduling: 'lifo' as const,
  };
  const agents = { http: new http.Agent(pool), https: new https.Agent(pool) };
  // A gateway calls a handful of subgraph URLs: each is parsed once.
  const targets = new Map<string, Target>();
  const targetOf = (url: string): Target => {
    let target = targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      target = {
        secure: parsed.protocol === 'https:',
        hostname: parsed.hostname.replace(/^\[|\]$/g, ''),
        port: parsed.port,
        path: `${parsed.pathname}${parsed.search}`,
      };
      if (targets.size < 1_000) targets.set(url, target);
    }
    return target;
  };

  const send = (url: string, init: FetcherRequestInit) =>
    new Promise<BufferedResponse>((resolve, reject) => {
      const { secure, hostname, port, path } = targetOf(url);
      const body = init.body ?? '';
      const headers: Record<string, string | number> = { ...init.headers };
      if (body !== '' || init.method === 'POST') {
        headers['content-length'] = Buffer.byteLength(body);
      }
      const request = (secure ? https : http).request({
        protocol: secure ? 'https:' : 'http:',
        hostname,
        port,
        path,
        method: init.method ?? 'GET',
        headers,
        agent: secure ? agents.https : agents.http,
        ...(init.signal ? { signal: init.signal } : {}),
      });
      request.once('error', (cause: NodeJS.ErrnoException) =>
        reject(
          fetchError(`request to ${url} failed, reason: ${cause.message}`, 'system', cause.code),
        ),
      );
      request.once('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('error', reject);
        response.once('end', () => {
          const status = response.statusCode ?? 0;
          resolve(
            new BufferedResponse({
              url,
              status,
              statusText: response.statusMessage ?? '',
              headers: new ResponseHeaders(response.headers),
              body: chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks),
              redirected: false,
            }),
          );
        });
      });
      // A string body goes out in the same write as the request head.
      request.end(body);
    });

  return async (url: string, init: FetcherRequestInit = {}) => {
    let response = await send(url, init);
    for (let hops = 0; isRedirect(response); hops++) {
      if (hops === maxRedirects) {
        throw fetchError(`maximum redirect reached at: ${response.url}`, 'max-redirect');
      }
      const location = response.headers.get('location') ?? '';
      init = redirectedInit(init, response.status);
      response = await send(new URL(location, response.url).href, init);
      response.redirected = true;
    }
    return response;
  };
}

function isRedirect(response: BufferedResponse): boolean {
  return [301, 302, 303, 307, 308].includes(response.status) && response.headers.has('location');
}

/** As fetch: a 303, or a 301/302 after a POST, is followed by a GET without the body. */
function redirectedInit(init: FetcherRequestInit, status: number): FetcherRequestInit {
  const method = init.method ?? 'GET';
  if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
    const headers = Object.fromEntries(
      Object.entries(init.headers ?? {}).filter(
        ([name]) => !['content-type', 'content-length'].includes(name.toLowerCase()),
      ),
    );
    return { ...init, method: 'GET', headers, body: '' };
  }
  return init;
}
