/** The README's cross-system query, shared by tests and benchmarks so they run what users read. */
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
