/** The README's operations, from the one place the explorer and README take them from. */
export {
  locationOverviewQuery,
  orderChangedSubscription,
} from '../gateway/explorer/exampleOperations.ts';
