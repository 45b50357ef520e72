import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Route } from '../../platform/httpServer.ts';

/**
 * The explorer's static files, served from installed packages so it works with no internet:
 * React and GraphiQL as UMD bundles, graphql-ws's browser client as ES modules. Only the
 * files listed here are served; anything else is a 404.
 */
const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

const files: Record<string, { path: () => string; type: string }> = {
  'react.js': {
    path: () => join(packageDir('react'), 'umd/react.production.min.js'),
    type: 'text/javascript',
  },
  'react-dom.js': {
    path: () => join(packageDir('react-dom'), 'umd/react-dom.production.min.js'),
    type: 'text/javascript',
  },
  'graphiql.js': {
    path: () => join(packageDir('graphiql'), 'graphiql.min.js'),
    type: 'text/javascript',
  },
  'graphiql.css': {
    path: () => join(packageDir('graphiql'), 'graphiql.min.css'),
    type: 'text/css',
  },
  'graphql-ws.js': {
    path: () => join(packageDir('graphql-ws'), 'dist/client.js'),
    type: 'text/javascript',
  },
};

/** graphql-ws's client imports a hashed chunk beside it (`./common-<hash>.js`). */
const graphqlWsChunk = /^common-[\w-]+\.js$/;

export const explorerAssetsPrefix = '/graphql/assets/';

export function explorerAssetsRoute(): Route {
  const cache = new Map<string, Buffer>();
  return async (req, res) => {
    const name = (req.url ?? '').split('?')[0]?.slice(explorerAssetsPrefix.length) ?? '';
    const file =
      files[name] ??
      (graphqlWsChunk.test(name)
        ? { path: () => join(packageDir('graphql-ws'), 'dist', name), type: 'text/javascript' }
        : undefined);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    let body = cache.get(name);
    if (!body) {
      body = await readFile(file.path());
      cache.set(name, body);
    }
    res.writeHead(200, {
      'content-type': `${file.type}; charset=utf-8`,
      'cache-control': 'public, max-age=3600',
    });
    res.end(body);
  };
}
