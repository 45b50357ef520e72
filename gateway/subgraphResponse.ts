import type http from 'node:http';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';

/**
 * A subgraph's answer as the gateway's data source reads it (the fetch contract of
 * `@apollo/utils.fetcher`), over a body already read whole: subgraphFetcher.ts builds these.
 */
export type Fetcher = RemoteGraphQLDataSource['fetcher'];
export type FetcherRequestInit = NonNullable<Parameters<Fetcher>[1]>;
type FetcherResponse = Awaited<ReturnType<Fetcher>>;
type FetcherHeaders = FetcherResponse['headers'];

/** An error shaped as make-fetch-happen's (`FetchError` with a `type` and the cause's `code`). */
export function fetchError(message: string, type: string, code?: string): Error {
  return Object.assign(new Error(message), { name: 'FetchError', type, code, errno: code });
}

export class BufferedResponse implements FetcherResponse {
  readonly ok: boolean;
  readonly url: string;
  readonly status: number;
  readonly statusText: string;
  readonly headers: FetcherHeaders;
  redirected: boolean;
  bodyUsed = false;
  private readonly body: Buffer;
  constructor(parts: {
    url: string;
    status: number;
    statusText: string;
    headers: FetcherHeaders;
    body: Buffer;
    redirected: boolean;
  }) {
    this.url = parts.url;
    this.status = parts.status;
    this.statusText = parts.statusText;
    this.headers = parts.headers;
    this.body = parts.body;
    this.redirected = parts.redirected;
    this.ok = parts.status >= 200 && parts.status < 300;
  }
  private consume(): Buffer {
    if (this.bodyUsed) throw new TypeError(`body used already for: ${this.url}`);
    this.bodyUsed = true;
    return this.body;
  }
  async text(): Promise<string> {
    return this.consume().toString('utf8');
  }
  async json(): Promise<unknown> {
    const text = this.consume().toString('utf8');
    try {
      return JSON.parse(text);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw fetchError(
        `invalid json response body at ${this.url} reason: ${reason}`,
        'invalid-json',
      );
    }
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const body = this.consume();
    return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
  }
  clone(): FetcherResponse {
    if (this.bodyUsed) throw new TypeError('cannot clone a response whose body was used');
    const { url, status, statusText, headers, body, redirected } = this;
    return new BufferedResponse({ url, status, statusText, headers, body, redirected });
  }
}

/** Fetch-style headers over the lower-cased header record `node:http` parsed. */
export class ResponseHeaders implements FetcherHeaders {
  private readonly map = new Map<string, string>();
  constructor(raw: http.IncomingHttpHeaders) {
    for (const [name, value] of Object.entries(raw)) {
      if (value !== undefined) this.map.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
  }
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  set(name: string, value: string): void {
    this.map.set(name.toLowerCase(), value);
  }
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const existing = this.map.get(key);
    this.map.set(key, existing === undefined ? value : `${existing}, ${value}`);
  }
  delete(name: string): void {
    this.map.delete(name.toLowerCase());
  }
  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  keys(): IterableIterator<string> {
    return this.map.keys();
  }
  values(): IterableIterator<string> {
    return this.map.values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}
