/**
 * The example operations users see first: the README shows them, the explorer opens them in
 * tabs, tests and benchmarks run them. Keeping them in one place keeps the README honest.
 */
export const locationOverviewQuery = /* GraphQL */ `
  query LocationOverview($locationId: ID!, $orders: Int = 5) {
    location(id: $locationId) {
      name
      openOrders(first: $orders) {
        id
        ticketName
        total {
          amount
          currency
        }
        lineItems {
          quantity
          menuItem {
            fullName
            stock(locationId: $locationId) {
              quantity
            }
          }
        }
      }
      onShiftNow {
        displayName
      }
      lowStockItems(below: 5) {
        quantity
        menuItem {
          fullName
        }
      }
    }
  }
`;

export const orderChangedSubscription = /* GraphQL */ `
  subscription OrderChanged($locationId: ID!) {
    orderChanged(locationId: $locationId) {
      id
      state
      version
      total {
        amount
        currency
      }
      lineItems {
        quantity
        menuItem {
          fullName
          stock(locationId: $locationId) {
            quantity
          }
        }
      }
      location {
        name
        onShiftNow {
          displayName
        }
      }
    }
  }
`;

export const stockChangedSubscription = /* GraphQL */ `
  subscription StockRunningLow($locationId: ID!) {
    stockChanged(locationId: $locationId, below: 5) {
      quantity
      calculatedAt
      menuItem {
        fullName
        price {
          amount
          currency
        }
      }
    }
  }
`;

export const timecardChangedSubscription = /* GraphQL */ `
  subscription TimecardChanged($locationId: ID!) {
    timecardChanged(locationId: $locationId) {
      status
      startAt
      endAt
      teamMember {
        displayName
      }
      location {
        name
      }
    }
  }
`;

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
