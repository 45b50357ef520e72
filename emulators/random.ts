/**
 * A small seeded pseudo-random generator (mulberry32) and the draws the world seed needs.
 * Every piece of generated data comes from one of these, so a seed replays exactly.
 */

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** `count` distinct items in random order. */
  sample<T>(items: readonly T[], count: number): T[];
  /** A string of `length` characters drawn from `alphabet`. */
  string(length: number, alphabet: string): string;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => {
    const item = items[int(0, items.length - 1)];
    if (item === undefined) throw new Error('pick needs a non-empty list');
    return item;
  };
  return {
    next,
    int,
    chance: (probability) => next() < probability,
    pick,
    sample: (items, count) => {
      const pool = [...items];
      const chosen: typeof pool = [];
      while (chosen.length < count && pool.length > 0) {
        chosen.push(...pool.splice(int(0, pool.length - 1), 1));
      }
      return chosen;
    },
    string: (length, alphabet) => {
      let result = '';
      for (let i = 0; i < length; i++) result += alphabet.charAt(int(0, alphabet.length - 1));
      return result;
    },
  };
}
