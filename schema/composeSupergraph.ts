import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** rover's supergraph config format, the subset this project uses. */
const roverConfigSchema = z.object({
  federation_version: z.string().regex(/^=2\.\d+\.\d+$/, 'pin an exact version, e.g. =2.14.4'),
  subgraphs: z.record(
    z.string(),
    z.object({ routing_url: z.url(), schema: z.object({ file: z.string() }) }),
  ),
});

export type RoverConfig = z.infer<typeof roverConfigSchema>;

export async function readRoverConfig(configPath: string): Promise<RoverConfig> {
  const parsed = roverConfigSchema.safeParse(parseYaml(await readFile(configPath, 'utf8')));
  if (!parsed.success) throw new Error(`${configPath}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Composes the subgraphs listed in a rover.yaml into supergraph SDL, as rover would. */
export async function composeSupergraph(configPath: string): Promise<string> {
  const config = await readRoverConfig(configPath);
  const root = dirname(configPath);
  const services = await Promise.all(
    Object.entries(config.subgraphs).map(async ([name, subgraph]) => ({
      name,
      url: subgraph.routing_url,
      typeDefs: parse(await readFile(resolve(root, subgraph.schema.file), 'utf8')),
    })),
  );
  const result = composeServices(services);
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((e) => e.message).join('\n')}`);
  }
  return `${result.supergraphSdl}\n`;
}
