/**
 * Reading answers: JSON bodies, the ids the journeys pass on, and the judgements the checks make
 * (does a click's URL carry its id, did the Data API hand one user another's rows). Pure; the
 * tolerant list reading accepts both a bare array and an object wrapping one, because the real
 * backend and the kit's server differ there and the journeys must run against both.
 */

export function parseJson(body: string | undefined): unknown {
  if (body === undefined || body === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** The items of a list answer: `[...]` or `{ <key>: [...] }` for the first array-valued key. */
export function listItems(value: unknown): readonly Record<string, unknown>[] | undefined {
  if (Array.isArray(value)) return value.filter(isRecord);
  if (isRecord(value)) {
    for (const key of ['items', 'data', 'results', 'products', 'recommendations', 'categories']) {
      const inner = value[key];
      if (Array.isArray(inner)) return inner.filter(isRecord);
    }
  }
  return undefined;
}

/** The first string field among `keys`. */
export function stringField(value: unknown, ...keys: string[]): string | undefined {
  if (!isRecord(value)) return undefined;
  for (const key of keys) {
    const field = value[key];
    if (typeof field === 'string' && field !== '') return field;
  }
  return undefined;
}

/** The merchant URL of a click carries its click id (as a sub-id parameter or anywhere in the URL). */
export function urlCarriesClickId(url: string | undefined, clickId: string | undefined): boolean {
  if (!url || !clickId) return false;
  return url.includes(clickId) || url.includes(encodeURIComponent(clickId));
}

/**
 * Rows another user's token got back from a read filtered to a victim's rows: 0 is the only correct
 * answer; a 401/403 refusal also leaks nothing.
 */
export function leakedReadRows(status: number, body: unknown): number {
  if (status !== 200 && status !== 206) return 0;
  return Array.isArray(body) ? body.length : 0;
}

/** A write in another user's name leaked if the Data API accepted it (2xx with rows, or 201/204 on insert). */
export function writeLeaked(kind: 'insert' | 'update', status: number, body: unknown): boolean {
  if (kind === 'insert') return status >= 200 && status < 300;
  // Updates ask for return=representation: 200 with an empty array means no row matched (allowed).
  return status >= 200 && status < 300 && Array.isArray(body) && body.length > 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
