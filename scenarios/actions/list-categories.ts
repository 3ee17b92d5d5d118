import { check } from 'k6';
import { tables } from '../../model/target.ts';
import { send } from '../lib/http.ts';
import { restRequest, type Target } from '../lib/requests.ts';
import { stringField } from '../lib/responses.ts';

/** Active categories through the Data API as an anonymous visitor (anon key only). */
export function listCategories(target: Target): string[] {
  const reply = send(restRequest(target, tables.categories, { query: 'select=id,name,slug&is_active=eq.true&order=sort_order' }));
  const rows = Array.isArray(reply.json) ? reply.json : [];
  check(reply, { 'anonymous visitor sees active categories': () => reply.status === 200 && rows.length > 0 }, { name: reply.name });
  return rows.map((row) => stringField(row, 'id')).filter((id): id is string => id !== undefined);
}
