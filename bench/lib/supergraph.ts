import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A supergraph file whose routing URLs point at the subgraphs this run started (on free
 * ports), written once to a temporary folder so that every gateway reads the same file;
 * `adapt` may change it further for all of them alike.
 */
export function writeSupergraphWithRoutingUrls(
  supergraphPath: string,
  urls: Record<string, string>,
  adapt: (sdl: string) => string = (sdl) => sdl,
): string {
  let sdl = adapt(readFileSync(supergraphPath, 'utf8'));
  for (const [name, url] of Object.entries(urls)) {
    const pattern = new RegExp(`(@join__graph\\(name: "${name}", url: ")[^"]*(")`);
    if (!pattern.test(sdl)) throw new Error(`${supergraphPath} has no subgraph named ${name}`);
    sdl = sdl.replace(pattern, `$1${url}$2`);
  }
  const path = join(mkdtempSync(join(tmpdir(), 'bench-supergraph-')), 'supergraph.graphql');
  writeFileSync(path, sdl);
  return path;
}
