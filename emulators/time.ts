/**
 * RFC 3339 formatting as Square writes it: `created_at`/`updated_at` in UTC with
 * milliseconds, and labor times (shifts, timecards, breaks) in the location's own offset
 * with seconds truncated, e.g. `2025-08-20T07:00:00-04:00`.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number>();
/** UTC offsets only change on quarter-hour boundaries, so one lookup serves each quarter hour. */
const OFFSET_BUCKET = 15 * MINUTE;

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC, in minutes, at the given instant. */
function offsetMinutes(epochMs: number, timeZone: string): number {
  const bucket = Math.floor(epochMs / OFFSET_BUCKET) * OFFSET_BUCKET;
  const key = `${timeZone}@${bucket}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    const parts: Record<string, number> = {};
    for (const part of formatterFor(timeZone).formatToParts(bucket)) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    const wallAsUtc = Date.UTC(
      parts.year ?? 0,
      (parts.month ?? 1) - 1,
      parts.day ?? 1,
      parts.hour ?? 0,
      parts.minute ?? 0,
    );
    offset = Math.round((wallAsUtc - bucket) / MINUTE);
    offsetCache.set(key, offset);
  }
  return offset;
}

export function wallTimeAt(epochMs: number, timeZone: string): WallTime {
  const local = new Date(epochMs + offsetMinutes(epochMs, timeZone) * MINUTE);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
  };
}

/** The instant at which the zone's clocks show the given wall time (day may overflow). */
export function instantOfWallTime(wall: WallTime, timeZone: string): number {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const guess = asUtc - offsetMinutes(asUtc, timeZone) * MINUTE;
  return asUtc - offsetMinutes(guess, timeZone) * MINUTE;
}

export function formatUtc(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

export function formatInZone(epochMs: number, timeZone: string): string {
  const minuteMs = Math.floor(epochMs / MINUTE) * MINUTE;
  const offset = offsetMinutes(minuteMs, timeZone);
  const local = new Date(minuteMs + offset * MINUTE).toISOString().slice(0, 16);
  const sign = offset < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offset) % 60).padStart(2, '0');
  return `${local}:00${sign}${hours}:${minutes}`;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/** Epoch milliseconds of an RFC 3339 timestamp, or undefined when it is not one. */
export function parseRfc3339(value: string): number | undefined {
  if (!RFC3339.test(value)) return undefined;
  const epochMs = Date.parse(value);
  return Number.isNaN(epochMs) ? undefined : epochMs;
}
