import { tables } from '../../model/target.ts';
import type { Anonymous } from '../lib/caller.ts';
import { send } from '../lib/http.ts';
import { restRequest } from '../lib/requests.ts';
import { stringField } from '../lib/responses.ts';

/** Active categories through the Data API as an anonymous visitor (anon key only). */
export async function listCategories(visitor: Anonymous): Promise<string[]> {
  const reply = await send(
    visitor.rt,
    restRequest(visitor.target, tables.categories, { query: 'select=id,name,slug&is_active=eq.true&order=sort_order' }),
  );
  const rows: unknown[] = Array.isArray(reply.json) ? reply.json : [];
  visitor.rt.check(
    { 'anonymous visitor sees active categories': reply.status === 200 && rows.length > 0 },
    { name: reply.name },
  );
  return rows.map((row) => stringField(row, 'id')).filter((id): id is string => id !== undefined);
}
