/**
 * Ids shaped like Square's (length and alphabet per object type), drawn from the world's
 * seeded generator so the same seed gives the same ids.
 */
import type { Random } from './random.ts';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

export interface IdFactory {
  merchant(): string;
  location(): string;
  catalogObject(): string;
  order(): string;
  uid(): string;
  teamMember(): string;
  job(): string;
  breakType(): string;
  scheduledShift(): string;
  timecard(): string;
  /** A UUID-looking id, as Square gives breaks and inventory changes. */
  uuid(): string;
}

export function createIdFactory(random: Random): IdFactory {
  const base32 = (length: number) => random.string(length, BASE32);
  const base62 = (length: number) => random.string(length, BASE62);
  const hex = (length: number) => random.string(length, HEX);
  return {
    merchant: () => `ML${base32(11)}`,
    location: () => `L${base32(12)}`,
    catalogObject: () => base32(24),
    order: () => base62(27),
    uid: () => base62(22),
    teamMember: () => `TM${base62(14)}`,
    job: () => base62(24),
    breakType: () => base32(13),
    scheduledShift: () => base32(13),
    timecard: () => base32(13),
    uuid: () =>
      `${hex(8)}-${hex(4)}-4${hex(3)}-${random.pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`,
  };
}
