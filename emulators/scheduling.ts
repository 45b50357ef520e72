/** The scheduling emulator: Square's Team and Labor APIs (team members, scheduled shifts, timecards). */
import { type ApiEmulatorOptions, type EmulatorHandle, startEmulator } from './http.ts';
import { laborRoutes } from './routes/labor.ts';
import { teamMemberRoutes } from './routes/team-members.ts';

export function startSchedulingEmulator(options: ApiEmulatorOptions): Promise<EmulatorHandle> {
  const { world, ...server } = options;
  return startEmulator([...teamMemberRoutes(world), ...laborRoutes(world)], server);
}
