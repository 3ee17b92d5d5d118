/** Stand-in for `k6/crypto`: the same HMAC k6 computes, from Node's crypto. */
import { createHmac } from 'node:crypto';

function hmac(algorithm: string, secret: string, data: string, encoding: 'hex'): string {
  return createHmac(algorithm, secret).update(data).digest(encoding);
}

export default { hmac };
