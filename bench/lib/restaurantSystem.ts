/**
 * The restaurant graph's back end for workload (b), as its own process: the emulated vendor
 * APIs and the three subgraphs (with their caches), started once by startLocalSystem. The
 * gateway it also starts stays idle; the benchmark's gateways are pointed at the subgraph URLs
 * printed on the ready line, with the POS API for workloads that make vendor changes. A fixed
 * world (seed and clock) keeps the answer the same all run.
 */

import { startLocalSystem } from '../../dev/localSystem.ts';
import { createWorld } from '../../emulators/world.ts';
import { closeOnSignal } from '../../platform/httpServer.ts';
import { benchSecrets } from './benchIdentity.ts';

const world = createWorld({ seed: 7, now: new Date('2026-11-26T12:00:00Z') });
const system = await startLocalSystem({
  world,
  secrets: { jwt: benchSecrets.jwt, gateway: benchSecrets.gateway },
  // No reconciliation polls: they would add vendor calls to what a run measures.
  subgraphs: { reconcileIntervalMs: 0 },
});
const ready = {
  subgraphUrls: {
    pos: system.pos.url,
    inventory: system.inventory.url,
    scheduling: system.scheduling.url,
  },
  locationId: world.locations[0]?.id,
  // For workloads that change things at the vendor (subscription fan-out): where and with what.
  posApi: system.emulators.pos.url,
  variationIds: [...world.catalog.values()]
    .filter((object) => object.type === 'ITEM_VARIATION' && !object.is_deleted)
    .slice(0, 3)
    .map((object) => object.id),
};
console.log(`restaurant system ready ${JSON.stringify(ready)}`);
closeOnSignal(system);
