import { runMain } from '../../platform/config.ts';
import { closeOnSignal } from '../../platform/httpServer.ts';
import { installTracingFromEnv } from '../../platform/tracing.ts';
import { readSubgraphSettings } from '../kit/subgraphRuntime.ts';
import { startPosSubgraph } from './start.ts';

await runMain(async () => {
  const tracing = installTracingFromEnv('pos-subgraph');
  const settings = readSubgraphSettings('POS', { port: 4001, apiUrl: 'http://127.0.0.1:4101' });
  const subgraph = await startPosSubgraph(settings);
  console.log(`pos subgraph at ${subgraph.url} (upstream ${settings.upstream.baseUrl})`);
  closeOnSignal(subgraph, tracing);
});
