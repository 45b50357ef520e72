/** The route table: method plus path template (`/v2/orders/{order_id}`) to handler. */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteRequest {
  /** Path parameters by template name (`order_id`). */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The JSON object body (POST and PUT), `{}` for GET. */
  body: Record<string, unknown>;
}

export interface Route {
  method: HttpMethod;
  /** A path template, e.g. `/v2/orders/{order_id}`. */
  path: string;
  /** Returns the 200 response body or throws a `SquareApiError`. */
  handle(request: RouteRequest): object;
}

export interface CompiledRoute {
  route: Route;
  segments: string[];
}

export function compileRoutes(routes: Route[]): CompiledRoute[] {
  return routes.map((route) => ({ route, segments: route.path.split('/') }));
}

type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'wrong_method' }
  | { kind: 'none' };

export function matchRoute(table: CompiledRoute[], method: string, pathname: string): RouteMatch {
  const segments = pathname.split('/');
  let pathMatched = false;
  for (const { route, segments: template } of table) {
    if (template.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = template.every((part, index) => {
      const actual = segments[index] ?? '';
      if (part.startsWith('{') && part.endsWith('}')) {
        params[part.slice(1, -1)] = decodeSegment(actual);
        return actual !== '';
      }
      return part === actual;
    });
    if (!matches) continue;
    if (route.method === method) return { kind: 'found', route, params };
    pathMatched = true;
  }
  return pathMatched ? { kind: 'wrong_method' } : { kind: 'none' };
}

/** A malformed escape (`%E0%A4%A`) stays as sent rather than failing the request. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
