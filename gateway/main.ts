import { runMain } from '../subgraphs/kit/config.ts';
import { closeOnSignal } from '../subgraphs/kit/httpServer.ts';
import { installTracingFromEnv } from '../subgraphs/kit/tracing.ts';
import { readGatewaySettings } from './settings.ts';
import { startGateway } from './startGateway.ts';

await runMain(async () => {
  const tracing = installTracingFromEnv('restaurant-gateway');
  const gateway = await startGateway(readGatewaySettings());
  console.log(`gateway at ${gateway.url}`);
  closeOnSignal(gateway, tracing);
});
