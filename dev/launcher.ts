import { envVar, readEnv, runMain } from '../platform/config.ts';
import { closeOnSignal } from '../platform/httpServer.ts';
import { installTracingFromEnv } from '../platform/tracing.ts';
import { startLocalSystem } from './localSystem.ts';

/**
 * `npm start`: the whole system in one process on the embedded defaults (emulated vendor APIs,
 * in-memory cache). The ports use the same variables as the services started alone.
 */
await runMain(async () => {
  const env = readEnv({
    HOST: envVar.string('127.0.0.1'),
    GATEWAY_PORT: envVar.port(4000),
    POS_SUBGRAPH_PORT: envVar.port(4001),
    INVENTORY_SUBGRAPH_PORT: envVar.port(4002),
    SCHEDULING_SUBGRAPH_PORT: envVar.port(4003),
    POS_EMULATOR_PORT: envVar.port(4101),
    INVENTORY_EMULATOR_PORT: envVar.port(4102),
    SCHEDULING_EMULATOR_PORT: envVar.port(4103),
    REDIS_URL: envVar.optionalUrl(),
    RECONCILE_INTERVAL_MS: envVar.millisecondsOrOff(30_000),
  });
  // One process, so one tracer provider: every service's spans share this service name.
  const tracing = installTracingFromEnv('restaurant-graph');
  const system = await startLocalSystem({
    host: env.HOST,
    ports: {
      gateway: env.GATEWAY_PORT,
      pos: env.POS_SUBGRAPH_PORT,
      inventory: env.INVENTORY_SUBGRAPH_PORT,
      scheduling: env.SCHEDULING_SUBGRAPH_PORT,
      posApi: env.POS_EMULATOR_PORT,
      inventoryApi: env.INVENTORY_EMULATOR_PORT,
      schedulingApi: env.SCHEDULING_EMULATOR_PORT,
    },
    subgraphs: { redisUrl: env.REDIS_URL, reconcileIntervalMs: env.RECONCILE_INTERVAL_MS },
  });
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
  console.log(`explorer (manager token preset): ${gateway.url}`);
  console.log(`gateway ready at ${gateway.url}`);
  closeOnSignal(system, tracing);
});
