import { runMain } from '../platform/config.ts';
import { closeOnSignal } from '../platform/httpServer.ts';
import { installTracingFromEnv } from '../platform/tracing.ts';
import { readGatewaySettings } from './settings.ts';
import { startGateway } from './startGateway.ts';

await runMain(async () => {
  const tracing = installTracingFromEnv('restaurant-gateway');
  const gateway = await startGateway(readGatewaySettings());
  console.log(`gateway at ${gateway.url}`);
  closeOnSignal(gateway, tracing);
});
