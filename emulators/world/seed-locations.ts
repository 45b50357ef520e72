/** Three diners in three time zones. */
import type { IdFactory } from '../ids.ts';
import type { Random } from '../random.ts';
import type { Location } from '../square-types.ts';
import { DAY, formatUtc } from '../time.ts';

const sites = [
  {
    name: 'Bluebird Diner Downtown',
    street: '200 W Madison St',
    city: 'Chicago',
    state: 'IL',
    postalCode: '60606',
    timezone: 'America/Chicago',
    coordinates: { latitude: 41.8819, longitude: -87.6339 },
    phone: '+1 312-555-0142',
  },
  {
    name: 'Bluebird Diner Harbor',
    street: '85 Atlantic Ave',
    city: 'Boston',
    state: 'MA',
    postalCode: '02110',
    timezone: 'America/New_York',
    coordinates: { latitude: 42.3601, longitude: -71.0512 },
    phone: '+1 617-555-0178',
  },
  {
    name: 'Bluebird Diner Sunset',
    street: '1450 Sunset Blvd',
    city: 'Los Angeles',
    state: 'CA',
    postalCode: '90026',
    timezone: 'America/Los_Angeles',
    coordinates: { latitude: 34.0778, longitude: -118.2606 },
    phone: '+1 213-555-0119',
  },
];

export function seedLocations(
  random: Random,
  ids: IdFactory,
  merchantId: string,
  now: number,
): Location[] {
  return sites.map((site) => ({
    id: ids.location(),
    name: site.name,
    address: {
      address_line_1: site.street,
      locality: site.city,
      administrative_district_level_1: site.state,
      postal_code: site.postalCode,
      country: 'US',
    },
    timezone: site.timezone,
    capabilities: ['CREDIT_CARD_PROCESSING', 'AUTOMATIC_TRANSFERS'],
    status: 'ACTIVE',
    created_at: formatUtc(now - random.int(400, 1200) * DAY),
    merchant_id: merchantId,
    country: 'US',
    language_code: 'en-US',
    currency: 'USD',
    phone_number: site.phone,
    business_name: 'Bluebird Diner',
    type: 'PHYSICAL',
    description: `Open around the clock in ${site.city}.`,
    coordinates: site.coordinates,
    mcc: '5812',
  }));
}
