/**
 * The body of an affiliate network's server-to-server conversion postback. Pure; the action signs
 * the exact bytes built here (HMAC-SHA256 with the shared secret, hex, in `X-Kit-Signature`).
 */

export const POSTBACK_SIGNATURE_HEADER = 'X-Kit-Signature';

export interface Conversion {
  readonly clickId: string;
  readonly orderId: string;
  /** Order amount in GBP. */
  readonly amount: number;
  readonly commissionRate: number;
}

/** @example postbackBody({ clickId: 'c1', orderId: 'o1', amount: 40, commissionRate: 0.075 }) // '{"click_id":"c1",…,"commission":3}' */
export function postbackBody(conversion: Conversion): string {
  const amount = round2(conversion.amount);
  return JSON.stringify({
    click_id: conversion.clickId,
    order_id: conversion.orderId,
    amount,
    commission: round2(amount * conversion.commissionRate),
    currency: 'GBP',
  });
}

/** An order id unique to one iteration of one run. */
export function loadOrderId(runTag: string, vu: number, iteration: number): string {
  return `k6-${runTag}-${vu}-${iteration}`;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
