/** Real HTTP to a running emulator, as an adapter would talk to Square. */
import { expect } from 'vitest';
import { type Emulators, type EmulatorsOptions, startEmulators } from '../../emulators/index.ts';
import { createWorld } from '../../emulators/world.ts';

export const TOKEN = 'test-square-token';
/** A fixed anchor so the seeded world is the same on every run. */
export const NOW = new Date('2025-08-20T15:00:00.000Z');

export function startTestEmulators(
  options: Omit<EmulatorsOptions, 'token'> = {},
): Promise<Emulators> {
  return startEmulators({ world: createWorld({ now: NOW }), token: TOKEN, ...options });
}

export interface SquareResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked against Square's schemas, not typed here.
  body: any;
}

export interface SquareClient {
  get(path: string): Promise<SquareResponse>;
  post(path: string, body: unknown): Promise<SquareResponse>;
  put(path: string, body: unknown): Promise<SquareResponse>;
  /** Sends `body` as is (a string is sent raw, for malformed JSON). */
  send(method: string, path: string, body?: unknown): Promise<SquareResponse>;
}

/** `token: null` sends no Authorization header. */
export function squareClient(baseUrl: string, token: string | null = TOKEN): SquareClient {
  const send = async (method: string, path: string, body?: unknown): Promise<SquareResponse> => {
    const headers: Record<string, string> = { 'square-version': '2025-08-20' };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  };
  return {
    get: (path) => send('GET', path),
    post: (path, body) => send('POST', path, body),
    put: (path, body) => send('PUT', path, body),
    send,
  };
}

/** Follows cursors to the end; returns every page's body. */
export async function allPages(
  fetchPage: (cursor: string | undefined) => Promise<SquareResponse>,
): Promise<SquareResponse['body'][]> {
  const pages: SquareResponse['body'][] = [];
  let cursor: string | undefined;
  do {
    const { status, body } = await fetchPage(cursor);
    if (status !== 200)
      throw new Error(`page ${pages.length + 1} failed: ${status} ${JSON.stringify(body)}`);
    pages.push(body);
    cursor = body.cursor;
  } while (cursor !== undefined);
  return pages;
}

/** The Square error envelope with one error, as tests expect it. */
export function squareErrorBody(category: string, code: string, field?: string) {
  return {
    errors: [
      { category, code, detail: expect.any(String), ...(field === undefined ? {} : { field }) },
    ],
  };
}
