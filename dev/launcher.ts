import { runMain } from '../platform/config.ts';
import { closeOnSignal } from '../platform/httpServer.ts';
import { installTracingFromEnv } from '../platform/tracing.ts';
import { readLocalSystemSettings } from './localSettings.ts';
import { startLocalSystem } from './localSystem.ts';

/**
 * `npm start`: the whole system in one process (emulated vendor APIs, in-memory cache unless
 * REDIS_URL), each service configured by the same variables as when it is started alone.
 */
await runMain(async () => {
  const settings = readLocalSystemSettings();
  // One process, so one tracer provider: every service's spans share this service name.
  const tracing = installTracingFromEnv('restaurant-graph');
  const system = await startLocalSystem({ settings });
  const { emulators, pos, inventory, scheduling, gateway } = system;
  console.log(
    `vendor API emulators: ${emulators.pos.url} ${emulators.inventory.url} ${emulators.scheduling.url}`,
  );
  console.log(`subgraphs: ${pos.url} ${inventory.url} ${scheduling.url}`);
  for (const location of emulators.world.locations) {
    console.log(`location ${location.id}: ${location.name}`);
  }
  console.log('development tokens (every location; send as `authorization: Bearer <token>`):');
  for (const [role, token] of Object.entries(system.devTokens)) {
    console.log(`  ${role}: ${token}`);
  }
  const preset = process.env.NODE_ENV === 'production' ? 'paste a token' : 'manager token preset';
  console.log(`explorer (${preset}): ${gateway.url}`);
  console.log(`gateway ready at ${gateway.url}`);
  closeOnSignal(system, tracing);
});
