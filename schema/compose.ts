import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { composeSupergraph } from './composeSupergraph.ts';

const configPath = fileURLToPath(new URL('../rover.yaml', import.meta.url));
const outputPath = fileURLToPath(new URL('./supergraph.graphql', import.meta.url));
await writeFile(outputPath, await composeSupergraph(configPath));
console.log(`wrote ${outputPath}`);
