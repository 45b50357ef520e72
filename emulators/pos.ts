/** The POS emulator: Square's Locations, Orders and Catalog APIs over one world. */
import { type ApiEmulatorOptions, type EmulatorHandle, startEmulator } from './http.ts';
import { createIdempotencyStore } from './idempotency.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { locationRoutes } from './routes/locations.ts';
import { orderRoutes } from './routes/orders.ts';

export function startPosEmulator(options: ApiEmulatorOptions): Promise<EmulatorHandle> {
  const { world, ...server } = options;
  const idempotency = createIdempotencyStore();
  return startEmulator(
    [...locationRoutes(world), ...orderRoutes(world, idempotency), ...catalogRoutes(world)],
    server,
  );
}
