import { check } from 'k6';
import crypto from 'k6/crypto';
import { routes } from '../../model/target.ts';
import { send } from '../lib/http.ts';
import { writes } from '../lib/metrics.ts';
import { POSTBACK_SIGNATURE_HEADER, postbackBody, type Conversion } from '../lib/postback.ts';
import { appRequest, type Target } from '../lib/requests.ts';
import { stringField } from '../lib/responses.ts';

/**
 * The affiliate network reports a conversion for a click, signed with the shared secret. A fresh
 * click must convert (200, status "converted"); 202 would mean the API did not find the click or
 * found it outside the attribution window.
 */
export function sendPostback(target: Target, secret: string, conversion: Conversion): { converted: boolean } {
  const body = postbackBody(conversion);
  const signature = crypto.hmac('sha256', secret, body, 'hex');
  const spec = appRequest(target, routes.affiliatePostback, { headers: { [POSTBACK_SIGNATURE_HEADER]: signature, 'Content-Type': 'application/json' } });
  const reply = send({ ...spec, body });
  const converted = reply.status === 200 && stringField(reply.json, 'status') === 'converted';
  check(reply, { 'signed postback converts its click': () => converted }, { name: reply.name });
  if (converted) writes.add(1, { entity: 'conversion', id: conversion.orderId });
  return { converted };
}
