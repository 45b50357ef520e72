/**
 * Serves the four federation-benchmark subgraphs from one process.
 * Environment: HOST (127.0.0.1), PORT (4200, as the published benchmark; 0 for a free one),
 * SUBGRAPH_DELAY_MS (0).
 */
import { z } from 'zod';
import { envVar, readEnv, runMain } from '../../platform/config.ts';
import { closeOnSignal } from '../../platform/httpServer.ts';
import { startFederationSubgraphs } from './server.ts';

await runMain(async () => {
  const env = readEnv({
    HOST: envVar.string('127.0.0.1'),
    PORT: envVar.port(4200),
    SUBGRAPH_DELAY_MS: z.coerce.number().int().min(0).default(0),
  });
  const subgraphs = await startFederationSubgraphs({
    host: env.HOST,
    port: env.PORT,
    delayMs: env.SUBGRAPH_DELAY_MS,
  });
  console.log(`subgraphs listening at ${subgraphs.url}`);
  closeOnSignal(subgraphs);
});
