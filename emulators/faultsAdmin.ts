/**
 * Setting fault switches from outside a process: `EMULATOR_FAULTS` at start (main.ts) and the
 * admin endpoint `GET|POST|DELETE /__admin/faults` at run time (http.ts).
 */
import { checkRule, type FaultRule, type FaultSwitches } from './faults.ts';
import { squareError } from './square-errors.ts';

/** `EMULATOR_FAULTS`: `{"pos": [rules], "inventory": [...], "scheduling": [...], "*": [...]}`. */
export function parseFaultsByEmulator(
  json: string,
): Partial<Record<'pos' | 'inventory' | 'scheduling', FaultRule[]>> {
  const parsed: unknown = JSON.parse(json);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('expected an object of rule lists by emulator (pos, inventory, scheduling, *)');
  }
  const byName = parsed as Record<string, unknown>;
  const result: Partial<Record<'pos' | 'inventory' | 'scheduling', FaultRule[]>> = {};
  for (const [name, rules] of Object.entries(byName)) {
    if (!['pos', 'inventory', 'scheduling', '*'].includes(name)) {
      throw new Error(`unknown emulator ${JSON.stringify(name)} (pos, inventory, scheduling, *)`);
    }
    if (!Array.isArray(rules)) throw new Error(`${name}: expected a list of rules`);
    (rules as FaultRule[]).forEach(checkRule);
  }
  const every = (byName['*'] as FaultRule[] | undefined) ?? [];
  for (const name of ['pos', 'inventory', 'scheduling'] as const) {
    const own = (byName[name] as FaultRule[] | undefined) ?? [];
    if (own.length + every.length > 0) result[name] = [...every, ...own];
  }
  return result;
}

/** The admin routes: `GET|POST|DELETE /__admin/faults`, as a status and a JSON body. */
export function serveFaultsAdmin(
  switches: FaultSwitches,
  method: string,
  text: string,
): { status: number; body: unknown } {
  switch (method) {
    case 'GET':
      return { status: 200, body: { faults: switches.list() } };
    case 'DELETE':
      switches.clear();
      return { status: 200, body: { faults: [] } };
    case 'POST':
      try {
        const body = JSON.parse(text) as { faults?: unknown };
        if (!Array.isArray(body?.faults)) throw new Error('expected {"faults": [rules]}');
        switches.set(body.faults as FaultRule[]);
        return { status: 200, body: { faults: switches.list() } };
      } catch (error) {
        return { status: 400, body: squareError('BAD_REQUEST', (error as Error).message).body };
      }
    default:
      return {
        status: 405,
        body: squareError('METHOD_NOT_ALLOWED', `${method} /__admin/faults`).body,
      };
  }
}
