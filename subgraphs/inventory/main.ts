import { runMain } from '../kit/config.ts';
import { closeOnSignal } from '../kit/httpServer.ts';
import { readSubgraphSettings } from '../kit/subgraphRuntime.ts';
import { installTracingFromEnv } from '../kit/tracing.ts';
import { startInventorySubgraph } from './start.ts';

await runMain(async () => {
  const tracing = installTracingFromEnv('inventory-subgraph');
  const settings = readSubgraphSettings('INVENTORY', {
    port: 4002,
    apiUrl: 'http://127.0.0.1:4102',
  });
  const subgraph = await startInventorySubgraph(settings);
  console.log(`inventory subgraph at ${subgraph.url} (upstream ${settings.upstream.baseUrl})`);
  closeOnSignal(subgraph, tracing);
});
