import { runMain } from '../../platform/config.ts';
import { closeOnSignal } from '../../platform/httpServer.ts';
import { installTracingFromEnv } from '../../platform/tracing.ts';
import { readSchedulingSettings, startSchedulingSubgraph } from './start.ts';

await runMain(async () => {
  const tracing = installTracingFromEnv('scheduling-subgraph');
  const settings = readSchedulingSettings();
  const subgraph = await startSchedulingSubgraph(settings);
  console.log(`scheduling subgraph at ${subgraph.url} (upstream ${settings.upstream.baseUrl})`);
  closeOnSignal(subgraph, tracing);
});
