/**
 * An affiliate click after a product view: the `affiliate_clicks` row and its truth, the click's
 * conversion when one is planted (seed/simulate/conversion.ts), and the planted double tap.
 * Conversions that the app would have attributed are written on the click row, as the real schema
 * records them; late ones are not (they fall outside the window); every one is in the truth with
 * its class.
 */
import { behaviour } from '../../model/behaviour.ts';
import type { AffiliateClickRow, EpochMs } from '../tables.ts';
import { type Uuid, uuid7, uuidText } from '../uuid.ts';
import type { Product } from '../world.ts';
import { SECOND, type SessionContext } from './context.ts';
import { type RecordedConversion, simulateConversion } from './conversion.ts';

const DUPLICATE = behaviour.duplicateClickRate.value;
const DUPLICATE_DELAY = behaviour.duplicateClickDelaySeconds.value;

export interface ClickOptions {
  readonly session: SessionContext;
  /** The viewed product. */
  readonly product: Product;
  readonly at: EpochMs;
}

export interface ClickOutcome {
  /** The click's rows, for the session to hand to the sink: the click, and its double tap if planted. */
  readonly rows: readonly AffiliateClickRow[];
  /** The conversion recorded on the click, if any. */
  readonly conversion: RecordedConversion | null;
}

/**
 * Makes the click (and its conversion and double tap): the truth rows go to the sink at once, the
 * click rows are returned. Draws from the click's own stream.
 */
export function simulateClick({ session, product, at }: ClickOptions): ClickOutcome {
  const { user } = session;
  const { plan, ids, sink } = user;
  const rng = user.world.keyed.stream('click', [plan.index, ids.click], 'outcome');
  const id = uuid7(plan.signupMs, ids.click++, rng);
  const url = affiliateUrl(product, id);
  sink.truth('clicks', {
    run_id: user.runId,
    click_id: id,
    user_id: plan.id,
    product_id: product.id,
    session_id: session.id,
    clicked_at: at,
    duplicate_of: null,
  });
  const conversion = simulateConversion({ user, rng, clickId: id, clickedAt: at, product });
  const row = clickRow({ session, product, affiliateUrl: url, id, at, conversion });
  if (!rng.chance(DUPLICATE)) return { rows: [row], conversion };

  // A double tap: the same click again shortly after, never converted itself.
  const dupAt = at + DUPLICATE_DELAY.min * SECOND + rng.int((DUPLICATE_DELAY.max - DUPLICATE_DELAY.min) * SECOND);
  const dupId = uuid7(plan.signupMs, ids.click++, rng);
  const duplicate = clickRow({ session, product, affiliateUrl: url, id: dupId, at: dupAt, conversion: null });
  sink.truth('clicks', {
    run_id: user.runId,
    click_id: dupId,
    user_id: plan.id,
    product_id: product.id,
    session_id: session.id,
    clicked_at: dupAt,
    duplicate_of: id,
  });
  return { rows: [row, duplicate], conversion };
}

/** The product's Amazon link with the kit's tag, carrying the click id as the sub-id. */
function affiliateUrl(product: Product, clickId: Uuid): string {
  return `https://www.amazon.co.uk/dp/${product.asin}/?tag=aclue-20&linkCode=as2&creative=1633&creativeASIN=${product.asin}&subid=${uuidText(clickId)}`;
}

interface ClickRowOptions {
  readonly session: SessionContext;
  readonly product: Product;
  /** The original click's URL: a double tap repeats it. */
  readonly affiliateUrl: string;
  readonly id: Uuid;
  readonly at: EpochMs;
  readonly conversion: RecordedConversion | null;
}

function clickRow({ session, product, affiliateUrl, id, at, conversion }: ClickRowOptions): AffiliateClickRow {
  return {
    id,
    user_id: session.user.plan.id,
    product_id: product.id,
    session_id: session.idText,
    click_timestamp: at,
    source_page: 'product_detail',
    device_type: session.user.device,
    affiliate_network: product.network,
    affiliate_url: affiliateUrl,
    commission_rate: product.commissionRate,
    expected_commission: Math.round((product.priceCents * product.commissionRate) / 10_000),
    is_converted: conversion !== null,
    conversion_timestamp: conversion?.at ?? null,
    actual_commission: conversion?.commission ?? null,
    order_id: conversion?.orderId ?? null,
    utm_source: 'aclue',
    created_at: at,
    updated_at: conversion?.at ?? at,
  };
}
