/** The inventory emulator: Square's Inventory API (counts and changes) over one world. */
import { type ApiEmulatorOptions, type EmulatorHandle, startEmulator } from './http.ts';
import { createIdempotencyStore } from './idempotency.ts';
import { inventoryChangeRoutes } from './routes/inventory-changes.ts';
import { inventoryCountRoutes } from './routes/inventory-counts.ts';

export function startInventoryEmulator(options: ApiEmulatorOptions): Promise<EmulatorHandle> {
  const { world, ...server } = options;
  const idempotency = createIdempotencyStore();
  return startEmulator(
    [...inventoryChangeRoutes(world, idempotency), ...inventoryCountRoutes(world)],
    server,
  );
}
