import { runMain } from '../../platform/config.ts';
import { closeOnSignal } from '../../platform/httpServer.ts';
import { installTracingFromEnv } from '../../platform/tracing.ts';
import { readSubgraphSettings } from '../kit/subgraphRuntime.ts';
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
