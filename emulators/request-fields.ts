/**
 * Reads a JSON request body the way Square validates it, throwing Square's error for the
 * first bad field (`EXPECTED_INTEGER`, `INVALID_ENUM_VALUE`, `VALUE_TOO_HIGH`, ...) with the
 * field's dotted path (`query.filter.location_ids`). JSON `null` counts as absent.
 */

import { squareError } from './square-errors.ts';
import type { Money } from './square-types.ts';
import { parseRfc3339 } from './time.ts';

/** A time window in epoch milliseconds; either end may be open. */
export interface TimeWindow {
  startAt?: number;
  endAt?: number;
}

export interface FieldReader {
  /** The full dotted path of a field of this object. */
  pathOf(name: string): string;
  has(name: string): boolean;
  string(name: string): string | undefined;
  requiredString(name: string): string;
  integer(name: string): number | undefined;
  boolean(name: string): boolean | undefined;
  enumValue<T extends string>(name: string, values: readonly T[]): T | undefined;
  requiredEnum<T extends string>(name: string, values: readonly T[]): T;
  stringArray(name: string, maxLength?: number): string[] | undefined;
  enumArray<T extends string>(name: string, values: readonly T[]): T[] | undefined;
  object(name: string): FieldReader | undefined;
  requiredObject(name: string): FieldReader;
  objectArray(name: string, maxLength?: number): FieldReader[] | undefined;
  stringMap(name: string): Record<string, string> | undefined;
  money(name: string): Money | undefined;
  /** An RFC 3339 timestamp, as epoch milliseconds. */
  time(name: string): number | undefined;
  timeWindow(name: string): TimeWindow | undefined;
  /** A page size: absent gives `fallback`; outside 1..max is `VALUE_TOO_LOW`/`VALUE_TOO_HIGH`. */
  limit(name: string, max: number, fallback: number): number;
}

export function readFields(value: unknown, prefix = ''): FieldReader {
  const record = (value ?? {}) as Record<string, unknown>;
  const pathOf = (name: string) => `${prefix}${name}`;
  const get = (name: string): unknown => record[name] ?? undefined;
  const expect = (name: string, what: string, code: Parameters<typeof squareError>[0]) =>
    squareError(code, `Expected \`${pathOf(name)}\` to be ${what}.`, pathOf(name));

  const string = (name: string) => {
    const raw = get(name);
    if (raw === undefined) return undefined;
    if (typeof raw !== 'string') throw expect(name, 'a string', 'EXPECTED_STRING');
    return raw;
  };
  const requiredString = (name: string) => {
    const raw = string(name);
    if (raw === undefined || raw === '') throw missing(pathOf(name));
    return raw;
  };
  const enumValue = <T extends string>(name: string, values: readonly T[]) => {
    const raw = string(name);
    if (raw === undefined) return undefined;
    if (!values.includes(raw as T)) throw invalidEnum(pathOf(name), raw, values);
    return raw as T;
  };
  const array = (name: string, maxLength?: number) => {
    const raw = get(name);
    if (raw === undefined) return undefined;
    if (!Array.isArray(raw)) throw expect(name, 'an array', 'EXPECTED_ARRAY');
    if (maxLength !== undefined && raw.length > maxLength) {
      throw squareError(
        'ARRAY_LENGTH_TOO_LONG',
        `\`${pathOf(name)}\` must have at most ${maxLength} elements, got ${raw.length}.`,
        pathOf(name),
      );
    }
    return raw as unknown[];
  };
  const stringArray = (name: string, maxLength?: number) =>
    array(name, maxLength)?.map((item, index) => {
      if (typeof item !== 'string')
        throw expect(`${name}[${index}]`, 'a string', 'EXPECTED_STRING');
      return item;
    });
  const object = (name: string) => {
    const raw = get(name);
    if (raw === undefined) return undefined;
    if (typeof raw !== 'object' || Array.isArray(raw))
      throw expect(name, 'an object', 'EXPECTED_OBJECT');
    return readFields(raw, `${pathOf(name)}.`);
  };
  const time = (name: string) => {
    const raw = string(name);
    if (raw === undefined) return undefined;
    const epochMs = parseRfc3339(raw);
    if (epochMs === undefined) {
      throw squareError(
        'INVALID_TIME',
        `\`${pathOf(name)}\` is not an RFC 3339 time: ${raw}`,
        pathOf(name),
      );
    }
    return epochMs;
  };
  const integer = (name: string) => {
    const raw = get(name);
    if (raw === undefined) return undefined;
    if (typeof raw !== 'number' || !Number.isInteger(raw))
      throw expect(name, 'an integer', 'EXPECTED_INTEGER');
    return raw;
  };

  return {
    pathOf,
    has: (name) => get(name) !== undefined,
    string,
    requiredString,
    integer,
    boolean: (name) => {
      const raw = get(name);
      if (raw === undefined) return undefined;
      if (typeof raw !== 'boolean') throw expect(name, 'a boolean', 'EXPECTED_BOOLEAN');
      return raw;
    },
    enumValue,
    requiredEnum: (name, values) => {
      const raw = enumValue(name, values);
      if (raw === undefined) throw missing(pathOf(name));
      return raw;
    },
    stringArray,
    enumArray: (name, values) =>
      stringArray(name)?.map((item, index) => {
        if (!values.includes(item as (typeof values)[number])) {
          throw invalidEnum(`${pathOf(name)}[${index}]`, item, values);
        }
        return item as (typeof values)[number];
      }),
    object,
    requiredObject: (name) => {
      const reader = object(name);
      if (!reader) throw missing(pathOf(name));
      return reader;
    },
    objectArray: (name, maxLength) =>
      array(name, maxLength)?.map((item, index) => {
        if (item === null || typeof item !== 'object' || Array.isArray(item)) {
          throw expect(`${name}[${index}]`, 'an object', 'EXPECTED_OBJECT');
        }
        return readFields(item, `${pathOf(name)}[${index}].`);
      }),
    stringMap: (name) => {
      const reader = object(name);
      if (!reader) return undefined;
      const map: Record<string, string> = {};
      for (const key of Object.keys(get(name) as object)) {
        const entry = reader.string(key);
        if (entry !== undefined) map[key] = entry;
      }
      return map;
    },
    money: (name) => {
      const reader = object(name);
      if (!reader) return undefined;
      const amount = reader.integer('amount');
      if (amount === undefined) throw missing(reader.pathOf('amount'));
      const currency = reader.string('currency') ?? 'USD';
      if (currency !== 'USD') {
        throw squareError(
          'INVALID_VALUE',
          `Only USD is supported, got ${currency}.`,
          reader.pathOf('currency'),
        );
      }
      return { amount, currency };
    },
    time,
    timeWindow: (name) => {
      const reader = object(name);
      if (!reader) return undefined;
      const window: TimeWindow = {};
      const startAt = reader.time('start_at');
      const endAt = reader.time('end_at');
      if (startAt !== undefined) window.startAt = startAt;
      if (endAt !== undefined) window.endAt = endAt;
      if (startAt !== undefined && endAt !== undefined && startAt > endAt) {
        throw squareError(
          'INVALID_TIME_RANGE',
          `\`${pathOf(name)}\` ends before it starts.`,
          pathOf(name),
        );
      }
      return window;
    },
    limit: (name, max, fallback) => {
      const raw = integer(name);
      if (raw === undefined) return fallback;
      if (raw < 1) {
        throw squareError(
          'VALUE_TOO_LOW',
          `\`${pathOf(name)}\` must be at least 1, got ${raw}.`,
          pathOf(name),
        );
      }
      if (raw > max) {
        throw squareError(
          'VALUE_TOO_HIGH',
          `\`${pathOf(name)}\` must be at most ${max}, got ${raw}.`,
          pathOf(name),
        );
      }
      return raw;
    },
  };
}

export function missing(field: string) {
  return squareError(
    'MISSING_REQUIRED_PARAMETER',
    `Missing required parameter \`${field}\`.`,
    field,
  );
}

function invalidEnum(field: string, value: string, values: readonly string[]) {
  return squareError(
    'INVALID_ENUM_VALUE',
    `\`${field}\` must be one of ${values.join(', ')}, got ${value}.`,
    field,
  );
}

/** Whether an epoch time falls in a window; `endInclusive` per endpoint (labor ranges are). */
export function inWindow(epochMs: number, window: TimeWindow, endInclusive: boolean): boolean {
  if (window.startAt !== undefined && epochMs < window.startAt) return false;
  if (window.endAt === undefined) return true;
  return endInclusive ? epochMs <= window.endAt : epochMs < window.endAt;
}

/** The object without its undefined fields, so optional fields are omitted rather than null. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

/** A comma-separated query parameter as a list (`types=ITEM,CATEGORY`). */
export function commaList(value: string | null): string[] | undefined {
  if (value === null || value.trim() === '') return undefined;
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}
