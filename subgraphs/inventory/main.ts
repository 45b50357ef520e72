import { runMain } from '../../platform/config.ts';
import { closeOnSignal } from '../../platform/httpServer.ts';
import { installTracingFromEnv } from '../../platform/tracing.ts';
import { readInventorySettings, startInventorySubgraph } from './start.ts';

await runMain(async () => {
  const tracing = installTracingFromEnv('inventory-subgraph');
  const settings = readInventorySettings();
  const subgraph = await startInventorySubgraph(settings);
  console.log(`inventory subgraph at ${subgraph.url} (upstream ${settings.upstream.baseUrl})`);
  closeOnSignal(subgraph, tracing);
});
