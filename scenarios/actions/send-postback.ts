import { routes } from '../../model/target.ts';
import type { Anonymous } from '../lib/caller.ts';
import { send } from '../lib/http.ts';
import { POSTBACK_SIGNATURE_HEADER, postbackBody, type Conversion } from '../lib/postback.ts';
import { appRequest } from '../lib/requests.ts';
import { stringField } from '../lib/responses.ts';

/**
 * The affiliate network reports a conversion for a click, signed with the shared secret. A fresh
 * click must convert (200, status "converted"); 202 would mean the API did not find the click or
 * found it outside the attribution window.
 */
export async function sendPostback(network: Anonymous, secret: string, conversion: Conversion): Promise<{ converted: boolean }> {
  const body = postbackBody(conversion);
  const signature = network.rt.hmacSha256Hex(secret, body);
  const spec = appRequest(network.target, routes.affiliatePostback, { headers: { [POSTBACK_SIGNATURE_HEADER]: signature, 'Content-Type': 'application/json' } });
  const reply = await send(network.rt, { ...spec, body });
  const converted = reply.status === 200 && stringField(reply.json, 'status') === 'converted';
  network.rt.check({ 'signed postback converts its click': converted }, { name: reply.name });
  if (converted) network.rt.add('aclue_writes', 1, { entity: 'conversion', id: conversion.orderId });
  return { converted };
}
