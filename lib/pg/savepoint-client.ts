/**
 * Lets withIdentity (which opens and ends its own transaction) run inside an outer transaction:
 * BEGIN / COMMIT / ROLLBACK become SAVEPOINT / RELEASE / ROLLBACK TO. The RLS probe keeps its
 * throwaway fixture rows in one outer transaction that is always rolled back, and every cell
 * still runs exactly as withIdentity runs an API request.
 */
import type { DbClient } from './impersonate.ts';

export function savepointClient(client: DbClient, name = 'kit_cell'): DbClient {
  const translate = (text: unknown): unknown => {
    if (typeof text !== 'string') return text;
    switch (text.trim().toUpperCase()) {
      case 'BEGIN':
        return `SAVEPOINT ${name}`;
      case 'COMMIT':
        return `RELEASE SAVEPOINT ${name}`;
      case 'ROLLBACK':
        return `ROLLBACK TO SAVEPOINT ${name}`;
      default:
        return text;
    }
  };
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'query') {
        return (text: unknown, ...rest: unknown[]) =>
          (target.query as (...args: unknown[]) => unknown).call(target, translate(text), ...rest);
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
