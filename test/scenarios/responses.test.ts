import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../model/prng.ts';
import { pennyAmount, postbackBody, postbackFields, unknownClickId } from '../../scenarios/lib/postback.ts';
import {
  leakedReadRows,
  listItems,
  parseJson,
  stringField,
  urlCarriesClickId,
  writeLeaked,
} from '../../scenarios/lib/responses.ts';
import { dbDurationMs } from '../../scenarios/lib/server-timing.ts';

describe('reading answers', () => {
  it('reads lists bare or wrapped', () => {
    expect(listItems([{ id: 'a' }, 3])).toEqual([{ id: 'a' }]);
    expect(listItems({ products: [{ id: 'b' }] })).toEqual([{ id: 'b' }]);
    expect(listItems({ detail: 'nope' })).toBeUndefined();
    expect(parseJson('not json')).toBeUndefined();
    expect(stringField({ session_id: '', id: 'x' }, 'session_id', 'id')).toBe('x');
  });

  it('requires the click id inside the merchant URL', () => {
    const id = '0a4c9a1e-0000-4000-8000-000000000001';
    expect(urlCarriesClickId(`https://www.amazon.co.uk/dp/B08N5WRWNW/?tag=aclue-20&ascsubtag=${id}`, id)).toBe(true);
    expect(urlCarriesClickId('https://www.amazon.co.uk/dp/B08N5WRWNW/?tag=aclue-20', id)).toBe(false);
    expect(urlCarriesClickId(undefined, id)).toBe(false);
    expect(urlCarriesClickId('https://x.test/', undefined)).toBe(false);
  });

  it('counts rows and writes that another user must never get', () => {
    expect(leakedReadRows(200, [])).toBe(0);
    expect(leakedReadRows(200, [{ id: 1 }, { id: 2 }])).toBe(2);
    expect(leakedReadRows(403, [{ id: 1 }])).toBe(0);
    expect(writeLeaked('insert', 201, undefined)).toBe(true);
    expect(writeLeaked('insert', 403, { code: '42501' })).toBe(false);
    expect(writeLeaked('update', 200, [])).toBe(false);
    expect(writeLeaked('update', 200, [{ user_id: 'x' }])).toBe(true);
  });

  it('reads the database time from Server-Timing', () => {
    expect(dbDurationMs('db;dur=12.5')).toBe(12.5);
    expect(dbDurationMs('app;dur=30, db;desc="queries";dur=4')).toBe(4);
    expect(dbDurationMs('DB; dur="7.25"')).toBe(7.25);
    expect(dbDurationMs('app;dur=30')).toBeUndefined();
    expect(dbDurationMs('db')).toBeUndefined();
    expect(dbDurationMs(undefined)).toBeUndefined();
  });

  it('builds the postback body the API validates, commission from the rate', () => {
    expect(JSON.parse(postbackBody({ clickId: 'c', orderId: 'o', amount: 33.333, commissionRate: 0.075 }))).toEqual({
      click_id: 'c',
      order_id: 'o',
      amount: 33.33,
      commission: 2.5,
      currency: 'GBP',
    });
  });

  it('plants amounts whose amount and commission both carry pennies, and unknown click ids shaped as uuids', () => {
    const random = seededRandom(3);
    for (let i = 0; i < 200; i += 1) {
      const fields = postbackFields({
        clickId: 'c',
        orderId: 'o',
        amount: pennyAmount(random, 0.075),
        commissionRate: 0.075,
      });
      expect(Math.round(fields.amount * 100) % 100).not.toBe(0);
      expect(Math.round(fields.commission * 100) % 100).not.toBe(0);
    }
    expect(unknownClickId(random)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
