/**
 * Conversions: the order a click may lead to, with the planted edge cases (late, reversed,
 * duplicate postback), and the orphan conversions whose click ids were never issued. Conversions
 * live only in the truth (`kit_truth.conversions`); the ones the app would have attributed are also
 * recorded on their click (seed/simulate/click.ts).
 */
import { behaviour, type ConversionClass } from '../../model/behaviour.ts';
import type { Rng } from '../rng.ts';
import type { EpochMs, TruthConversionRow, Units } from '../tables.ts';
import { type Uuid, uuid7, uuidText } from '../uuid.ts';
import type { Product, World } from '../world.ts';
import { DAY, HOUR, SECOND, type Sink, type UserContext } from './context.ts';

const RATE = behaviour.conversionRate.value;
const WINDOW_MS = behaviour.attributionWindowDays.value * DAY;
const LATE_SHARE = behaviour.lateConversionShare.value;
const LATE_DAYS = behaviour.lateConversionDelayDays.value;
const DELAY = behaviour.conversionDelayHours.value;
const LIMITS = behaviour.conversionDelayLimits.value;
const ORDER = behaviour.orderValue.value;
const REVERSAL = behaviour.reversalRate.value;
const DUPLICATE = behaviour.duplicatePostbackRate.value;
const DUPLICATE_DELAY = behaviour.duplicatePostbackDelaySeconds.value;
const CENTS = 100;

export interface ConversionOptions {
  readonly user: UserContext;
  /** The click's stream (`click`, [user, click], `outcome`), right after the click's id. */
  readonly rng: Rng;
  readonly clickId: Uuid;
  readonly clickedAt: EpochMs;
  readonly product: Product;
}

/** A conversion as its click records it: only one the app would attribute (not late). */
export interface RecordedConversion {
  readonly at: EpochMs;
  readonly orderId: string;
  /** Cents. */
  readonly amount: Units;
  /** Cents: 0 once reversed. */
  readonly commission: Units;
}

/**
 * With probability `conversionRate`, plants the click's conversion in the truth (and, with
 * `duplicatePostbackRate`, its second postback). Returns what the click row records: the
 * conversion if it falls inside the attribution window, else null (none, or late).
 */
export function simulateConversion({
  user,
  rng,
  clickId,
  clickedAt,
  product,
}: ConversionOptions): RecordedConversion | null {
  if (!rng.chance(RATE)) return null;
  const { plan, ids } = user;
  const late = rng.chance(LATE_SHARE);
  const delay = late
    ? WINDOW_MS + (LATE_DAYS.min + rng.int(LATE_DAYS.max - LATE_DAYS.min + 1)) * DAY
    : Math.min(WINDOW_MS - LIMITS.windowMarginHours * HOUR, rng.lognormal(DELAY.median * HOUR, DELAY.sigma));
  const at = Math.round(clickedAt + Math.max(LIMITS.minMinutes * 60 * SECOND, delay));
  const amount = Math.max(ORDER.min * CENTS, Math.round(rng.lognormal(ORDER.median * CENTS, ORDER.sigma)));
  const reversed = !late && rng.chance(REVERSAL);
  const commission = reversed ? 0 : Math.round((amount * product.commissionRate) / 10_000);
  const expectedClass: ConversionClass = late ? 'late' : reversed ? 'reversed' : 'attributed';
  const orderId = `ORD-${user.world.keyed
    .hash('order', [plan.index, ids.conversion], 'id')
    .map((x) => x.toString(16).padStart(8, '0'))
    .join('')}`;
  const clickRef = uuidText(clickId);
  const conversion: TruthConversionRow = {
    run_id: user.runId,
    conversion_id: uuid7(plan.signupMs, ids.conversion++, rng),
    order_id: orderId,
    expected_click_id: clickId,
    click_ref: clickRef,
    expected_class: expectedClass,
    amount,
    commission,
    converted_at: at,
    recorded_on_click: !late,
  };
  user.sink.truth('conversions', conversion);
  if (rng.chance(DUPLICATE)) {
    // The same order posted again: a new id and a later time, drawn in this order.
    const conversionId = uuid7(plan.signupMs, ids.conversion++, rng);
    user.sink.truth('conversions', {
      ...conversion,
      conversion_id: conversionId,
      expected_class: 'duplicate',
      converted_at: at + DUPLICATE_DELAY.min * SECOND + rng.int((DUPLICATE_DELAY.max - DUPLICATE_DELAY.min) * SECOND),
      recorded_on_click: false,
    });
  }
  return late ? null : { at, orderId, amount, commission };
}

/**
 * Conversions whose click id the app never issued: they must surface as orphans. Returns how many.
 * (Positional like `simulateUser`: the run's two writers call both the same way.)
 */
export function orphanConversions(world: World, runId: string, sink: Sink): number {
  const count = Math.max(1, Math.round(behaviour.orphanConversionsPerScale.value * world.params.scale));
  const end = Date.parse(behaviour.referenceDate.value);
  for (let i = 0; i < count; i++) {
    const rng = world.keyed.stream('orphan', [i], 'conversion');
    const at = end - rng.int(behaviour.simulatedDays.value * 24) * HOUR;
    // uuid7 at a time before every seeded row, so it can never equal a real click id.
    const ref = uuidText(uuid7(0, i, rng));
    const amount = Math.max(ORDER.min * CENTS, Math.round(rng.lognormal(ORDER.median * CENTS, ORDER.sigma)));
    sink.truth('conversions', {
      run_id: runId,
      conversion_id: uuid7(at, i, rng),
      order_id: `ORD-ORPHAN-${ref.slice(-12)}`,
      expected_click_id: null,
      click_ref: ref,
      expected_class: 'orphan',
      amount,
      commission: Math.round(amount * behaviour.orphanCommissionRate.value),
      converted_at: at,
      recorded_on_click: false,
    });
  }
  return count;
}
