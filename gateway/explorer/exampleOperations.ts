import {
  locationOverviewQuery,
  orderChangedSubscription,
  stockChangedSubscription,
  timecardChangedSubscription,
} from '../../schema/operations.ts';

/**
 * The example location unless EXPLORER_LOCATION_ID names one: the explorer page replaces it
 * with the first location the user's token may see.
 */
export const explorerLocationPlaceholder = '<a location id>';

/** The explorer's tabs, for a location the user can try them on. */
export function exampleOperations(locationId: string) {
  return [
    {
      name: 'LocationOverview',
      query: locationOverviewQuery,
      variables: { locationId, orders: 5 },
    },
    { name: 'OrderChanged', query: orderChangedSubscription, variables: { locationId } },
    { name: 'StockRunningLow', query: stockChangedSubscription, variables: { locationId } },
    { name: 'TimecardChanged', query: timecardChangedSubscription, variables: { locationId } },
  ];
}
