import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { composeSupergraph, readRoverConfig } from '../schema/composeSupergraph.ts';

const roverConfig = fileURLToPath(new URL('../rover.yaml', import.meta.url));
const committed = fileURLToPath(new URL('../schema/supergraph.graphql', import.meta.url));

describe('composition', () => {
  it('the committed supergraph is what rover.yaml composes to today (run `npm run compose`)', async () => {
    expect(await readFile(committed, 'utf8')).toBe(await composeSupergraph(roverConfig));
  });

  it('rover.yaml lists the three subgraphs with a pinned federation version', async () => {
    const config = await readRoverConfig(roverConfig);
    expect(config.federation_version).toBe('=2.14.4');
    expect(Object.keys(config.subgraphs)).toEqual(['pos', 'inventory', 'scheduling']);
  });
});
