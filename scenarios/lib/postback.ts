/**
 * The body of an affiliate network's server-to-server conversion postback, and the planted mix the
 * load sends. Pure; the action signs the exact bytes built here (HMAC-SHA256 with the shared secret,
 * hex, in `X-Kit-Signature`).
 */

export const POSTBACK_SIGNATURE_HEADER = 'X-Kit-Signature';

export interface Conversion {
  readonly clickId: string;
  readonly orderId: string;
  /** Order amount in GBP. */
  readonly amount: number;
  readonly commissionRate: number;
}

/**
 * What the load plants, and the answer the app owes each plant: the load run's truth, which verify's
 * attribution gate reconciles with what the app stored. `outcome` is the `status` field of the
 * app's JSON answer (none for a refused signature).
 */
export const postbackPlants = {
  /** A fresh click's conversion, its amount and commission with pennies: stored on that click, exactly. */
  converted: { status: 200, outcome: 'converted' },
  /** The exact body again: idempotent, counted once. */
  duplicate: { status: 200, outcome: 'duplicate' },
  /** A conversion for a seeded click older than the attribution window: refused, kept as expired. */
  late: { status: 202, outcome: 'expired' },
  /** A click id the app never issued: refused, kept as an orphan. */
  unknown_click: { status: 202, outcome: 'unknown_click' },
  /** Signed with the wrong secret: 401, nothing stored. */
  bad_signature: { status: 401, outcome: '' },
} as const satisfies Record<string, { status: number; outcome: string }>;

export type PostbackKind = keyof typeof postbackPlants;
export const postbackKinds = Object.keys(postbackPlants) as PostbackKind[];

/** The fields as sent, amount and commission rounded to pennies as a network reports them. */
export function postbackFields(conversion: Conversion): {
  click_id: string;
  order_id: string;
  amount: number;
  commission: number;
  currency: string;
} {
  const amount = round2(conversion.amount);
  return {
    click_id: conversion.clickId,
    order_id: conversion.orderId,
    amount,
    commission: round2(amount * conversion.commissionRate),
    currency: 'GBP',
  };
}

/** @example postbackBody({ clickId: 'c1', orderId: 'o1', amount: 40, commissionRate: 0.075 }) // '{"click_id":"c1",…,"commission":3}' */
export function postbackBody(conversion: Conversion): string {
  return JSON.stringify(postbackFields(conversion));
}

/**
 * An order amount from 15.01 to about 215 GBP whose amount and commission both carry pennies, so a
 * handler that rounds or truncates money to whole pounds is caught on every planted conversion.
 */
export function pennyAmount(random: () => number, commissionRate: number): number {
  let pence = 1500 + Math.floor(random() * 20_000);
  const pennies = (p: number) => Math.round(round2((p / 100) * commissionRate) * 100) % 100;
  while (pence % 100 === 0 || pennies(pence) === 0) pence += 1;
  return pence / 100;
}

/** An order id unique to one iteration of one run; `kind` keeps an iteration's plants apart. */
export function loadOrderId(runTag: string, vu: number, iteration: number, kind?: PostbackKind): string {
  return `k6-${runTag}-${vu}-${iteration}${kind === undefined || kind === 'converted' || kind === 'duplicate' ? '' : `-${kind}`}`;
}

/** A version-4-shaped uuid from `random`: a click id no app issued (122 random bits never collide). */
export function unknownClickId(random: () => number): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + Math.floor(random() * 4)).toString(16)}${hex(3)}-${hex(12)}`;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
