import { readFileSync } from 'node:fs';

/**
 * The example operations, one `.graphql` file each in schema/operations/: the single source of
 * what the README shows (test/readme.test.ts checks it), the explorer's tabs, and what tests
 * and benchmarks send. A file holds one operation, named like the file.
 */
export const operationNames = [
  'LocationOverview',
  'OrderChanged',
  'OrdersThenStock',
  'StockRunningLow',
  'TimecardChanged',
] as const;
export type OperationName = (typeof operationNames)[number];

export function readOperation(name: OperationName): string {
  return readFileSync(new URL(`./operations/${name}.graphql`, import.meta.url), 'utf8');
}

export const locationOverviewQuery = readOperation('LocationOverview');
export const orderChangedSubscription = readOperation('OrderChanged');
export const ordersThenStockQuery = readOperation('OrdersThenStock');
export const stockChangedSubscription = readOperation('StockRunningLow');
export const timecardChangedSubscription = readOperation('TimecardChanged');
