import { runMain } from '../../platform/config.ts';
import { closeOnSignal } from '../../platform/httpServer.ts';
import { installTracingFromEnv } from '../../platform/tracing.ts';
import { readSubgraphSettings } from '../kit/subgraphRuntime.ts';
import { startSchedulingSubgraph } from './start.ts';

await runMain(async () => {
  const tracing = installTracingFromEnv('scheduling-subgraph');
  const settings = readSubgraphSettings('SCHEDULING', {
    port: 4003,
    apiUrl: 'http://127.0.0.1:4103',
  });
  const subgraph = await startSchedulingSubgraph(settings);
  console.log(`scheduling subgraph at ${subgraph.url} (upstream ${settings.upstream.baseUrl})`);
  closeOnSignal(subgraph, tracing);
});
