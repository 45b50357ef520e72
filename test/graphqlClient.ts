/**
 * Headers every request to an origin carries unless a test passes its own: test fixtures
 * register a development token for the gateway they start (test/system.ts).
 */
const defaultHeaders = new Map<string, Record<string, string>>();

export function setDefaultHeaders(url: string, headers: Record<string, string>): void {
  defaultHeaders.set(new URL(url).origin, headers);
}

export function headersFor(url: string): Record<string, string> {
  return defaultHeaders.get(new URL(url).origin) ?? {};
}

/** POSTs one GraphQL operation and returns the parsed response with its HTTP status. */
export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
}

export async function postGraphQL<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ status: number; body: GraphQLResponse<T> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headersFor(url), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as GraphQLResponse<T> };
}
