/**
 * Starts the three Square emulators (POS, inventory, scheduling) over one shared world:
 * what tests, benchmarks and the dev launcher import. Ports default to 0 (a free port).
 */
import type { FaultRule } from './faults.ts';
import { startInventoryEmulator } from './inventory.ts';
import { startPosEmulator } from './pos.ts';
import { startSchedulingEmulator } from './scheduling.ts';
import type { ApiEmulatorHandle, WebhookOptions } from './webhooks/notifier.ts';
import { createWorld, type World } from './world.ts';

export type { CallLog, CallRecord } from './call-log.ts';
export type { Fault, FaultRule, FaultSwitches } from './faults.ts';
export type { EmulatorHandle } from './http.ts';
export { startInventoryEmulator } from './inventory.ts';
export { startPosEmulator } from './pos.ts';
export { startSchedulingEmulator } from './scheduling.ts';
export type { DeliveryRecord } from './webhooks/delivery.ts';
export { webhookEventTypes } from './webhooks/events.ts';
export type { WebhookFaults } from './webhooks/faults.ts';
export type { ApiEmulatorHandle, WebhookNotifier, WebhookOptions } from './webhooks/notifier.ts';
export { createWorld, type World, type WorldOptions } from './world.ts';

export const DEFAULT_TOKEN = 'dev-square-token';

export interface EmulatorsOptions {
  world?: World;
  token?: string;
  host?: string;
  ports?: { pos?: number; inventory?: number; scheduling?: number };
  latencyMs?: number;
  /** Fault switches on from the start, per emulator (see faults.ts). */
  faults?: { pos?: FaultRule[]; inventory?: FaultRule[]; scheduling?: FaultRule[] };
  /** Webhook delivery: time scale, answer deadline, delivery faults (see webhooks/). */
  webhooks?: WebhookOptions;
}

export interface Emulators {
  world: World;
  pos: ApiEmulatorHandle;
  inventory: ApiEmulatorHandle;
  scheduling: ApiEmulatorHandle;
  close(): Promise<void>;
}

export async function startEmulators(options: EmulatorsOptions = {}): Promise<Emulators> {
  const world = options.world ?? createWorld();
  const common = {
    world,
    token: options.token ?? DEFAULT_TOKEN,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
    webhooks: options.webhooks,
  };
  const started = await Promise.allSettled([
    startPosEmulator({ ...common, port: options.ports?.pos ?? 0, faults: options.faults?.pos }),
    startInventoryEmulator({
      ...common,
      port: options.ports?.inventory ?? 0,
      faults: options.faults?.inventory,
    }),
    startSchedulingEmulator({
      ...common,
      port: options.ports?.scheduling ?? 0,
      faults: options.faults?.scheduling,
    }),
  ]);
  const handles = started.flatMap((result) =>
    result.status === 'fulfilled' ? [result.value] : [],
  );
  const failure = started.find((result) => result.status === 'rejected');
  const [pos, inventory, scheduling] = handles;
  if (failure || !pos || !inventory || !scheduling) {
    // Close whichever did start, so a port clash leaves nothing listening.
    await Promise.all(handles.map((handle) => handle.close()));
    throw failure?.reason ?? new Error('an emulator failed to start');
  }
  return {
    world,
    pos,
    inventory,
    scheduling,
    close: async () => {
      await Promise.all([pos.close(), inventory.close(), scheduling.close()]);
    },
  };
}
