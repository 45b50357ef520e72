/**
 * The scheduling emulator: Square's Team and Labor APIs (team members, scheduled shifts,
 * timecards), with timecard webhooks.
 */
import { type ApiEmulatorOptions, startEmulator } from './http.ts';
import { laborRoutes } from './routes/labor.ts';
import { teamMemberRoutes } from './routes/team-members.ts';
import { webhookEventTypes } from './webhooks/events.ts';
import {
  type ApiEmulatorHandle,
  startWithWebhooks,
  type WebhookOptions,
} from './webhooks/notifier.ts';

export function startSchedulingEmulator(
  options: ApiEmulatorOptions & { webhooks?: WebhookOptions | undefined },
): Promise<ApiEmulatorHandle> {
  const { world, webhooks, ...server } = options;
  return startWithWebhooks(
    world,
    webhookEventTypes.scheduling,
    webhooks,
    (webhookRoutes, adminRoutes) =>
      startEmulator(
        [...teamMemberRoutes(world), ...laborRoutes(world), ...webhookRoutes],
        server,
        adminRoutes,
      ),
  );
}
