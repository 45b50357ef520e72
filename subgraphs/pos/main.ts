import { runMain } from '../../platform/config.ts';
import { closeOnSignal } from '../../platform/httpServer.ts';
import { installTracingFromEnv } from '../../platform/tracing.ts';
import { readPosSettings, startPosSubgraph } from './start.ts';

await runMain(async () => {
  const tracing = installTracingFromEnv('pos-subgraph');
  const settings = readPosSettings();
  const subgraph = await startPosSubgraph(settings);
  console.log(`pos subgraph at ${subgraph.url} (upstream ${settings.upstream.baseUrl})`);
  closeOnSignal(subgraph, tracing);
});
