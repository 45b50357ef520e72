/**
 * How long each kind of vendor data stays fresh in the cross-request cache, in one place.
 * Catalog and team data change rarely and events invalidate them; stock and orders move
 * every minute, so they are kept briefly and events keep them right in between.
 */
export const freshForMs = {
  location: 10 * 60_000,
  catalogVariation: 10 * 60_000,
  order: 30_000,
  openOrdersByLocation: 10_000,
  stockByVariation: 15_000,
  stockByLocation: 15_000,
  teamRoster: 5 * 60_000,
  timecard: 30_000,
  openTimecardsByLocation: 15_000,
  openTimecardsByTeamMember: 15_000,
  scheduledShift: 5 * 60_000,
  shiftsByLocation: 60_000,
} as const;

export type EntityKind = keyof typeof freshForMs;

/** Past its freshness an entry is kept this long more, to be served only when the vendor is down. */
export const keepStaleForMs = 60 * 60_000;
