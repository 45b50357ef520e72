import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '../../platform/errors.ts';
import { sendGraphQLError } from '../../platform/graphqlHttp.ts';

/**
 * Cross-origin access for browser apps: only origins on the allowlist (`CORS_ORIGINS`) may call
 * the gateway from a page of theirs, over HTTP and over WebSockets. A pattern is an exact origin
 * or one with `*` standing for one host label or a port (`http://localhost:*`,
 * `https://*.example.com`). The gateway's own origin (the explorer) is always allowed, and a
 * request without an `Origin` is not a browser's cross-origin call (curl, mobile apps, servers).
 *
 * Tokens travel in `Authorization`, never in cookies, so a page cannot make a browser send a
 * caller's credentials to the gateway: a header like that forces a preflight, refused here for
 * an origin not on the list.
 */
export interface CorsPolicy {
  /**
   * For a request to `/graphql`: answers a preflight (204, or 403 for an origin not allowed)
   * and refuses a cross-origin call from one (403); otherwise sets the response headers an
   * allowed origin needs and returns false, for the route to go on.
   */
  answered(req: IncomingMessage, res: ServerResponse): boolean;
  /** Whether a WebSocket upgrade with this `Origin` (undefined: none sent) may proceed. */
  allowsOrigin(origin: string | undefined, host: string | undefined): boolean;
}

/** What clients send: Apollo Client, urql, graphql-sse, Apollo's client awareness, tracing. */
const allowedRequestHeaders = [
  'accept',
  'authorization',
  'content-type',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
  'x-request-id',
  'traceparent',
  'tracestate',
  'last-event-id',
];

/** Headers a page may read from a response besides the CORS-safelisted ones. */
const exposedHeaders = ['x-request-id', 'www-authenticate', 'retry-after'];

export function createCorsPolicy(patterns: readonly string[]): CorsPolicy {
  const matchers = patterns.map(originMatcher);
  const allowsOrigin = (origin: string | undefined, host: string | undefined) =>
    origin === undefined ||
    (host !== undefined && (origin === `http://${host}` || origin === `https://${host}`)) ||
    matchers.some((matches) => matches(origin));
  return {
    allowsOrigin,
    answered(req, res) {
      const origin = req.headers.origin;
      if (origin === undefined) return false;
      const allowed = allowsOrigin(origin, req.headers.host);
      const preflight =
        req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
      if (!allowed) {
        sendGraphQLError(
          req,
          res,
          403,
          ErrorCode.CORS_ORIGIN_NOT_ALLOWED,
          `origin ${origin} may not call this gateway (CORS_ORIGINS)`,
        );
        return true;
      }
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('vary', 'Origin');
      if (!preflight) {
        res.setHeader('access-control-expose-headers', exposedHeaders.join(', '));
        return false;
      }
      const requested = String(req.headers['access-control-request-headers'] ?? '')
        .split(',')
        .map((name) => name.trim().toLowerCase())
        .filter((name) => name !== '');
      const refused = requested.filter((name) => !allowedRequestHeaders.includes(name));
      if (refused.length > 0) {
        sendGraphQLError(
          req,
          res,
          403,
          ErrorCode.CORS_ORIGIN_NOT_ALLOWED,
          `request headers not allowed: ${refused.join(', ')}`,
        );
        return true;
      }
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': allowedRequestHeaders.join(', '),
        'access-control-max-age': '600',
      });
      res.end();
      return true;
    },
  };
}

function originMatcher(pattern: string): (origin: string) => boolean {
  const source = pattern
    .replace(/\/+$/, '')
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[A-Za-z0-9-]+');
  const regex = new RegExp(`^${source}$`, 'i');
  return (origin) => regex.test(origin);
}

/** Development: the explorer's origin and any page served from this machine. */
export const developmentCorsOrigins = ['http://localhost:*', 'http://127.0.0.1:*'];
