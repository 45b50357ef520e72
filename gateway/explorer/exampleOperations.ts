import {
  locationOverviewQuery,
  orderChangedSubscription,
  stockChangedSubscription,
  timecardChangedSubscription,
} from '../../schema/operations.ts';

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
