import { runMain } from '../kit/config.ts';
import { closeOnSignal } from '../kit/httpServer.ts';
import { readSubgraphSettings } from '../kit/subgraphRuntime.ts';
import { installTracingFromEnv } from '../kit/tracing.ts';
import { startPosSubgraph } from './start.ts';

await runMain(async () => {
  const tracing = installTracingFromEnv('pos-subgraph');
  const settings = readSubgraphSettings('POS', { port: 4001, apiUrl: 'http://127.0.0.1:4101' });
  const subgraph = await startPosSubgraph(settings);
  console.log(`pos subgraph at ${subgraph.url} (upstream ${settings.upstream.baseUrl})`);
  closeOnSignal(subgraph, tracing);
});
