/**
 * Reads one k6 sample line without JSON.parse in the common case. k6 writes every sample as
 * `{"metric":"<m>","type":"Point","data":{"time":"<t>","value":<v>,"tags":{<flat string map>}…}}`;
 * scanning for those fields avoids building the nested objects JSON.parse would (and the garbage
 * collection after them), which is most of the cost of the lines verify keeps. Anything unusual —
 * an escaped character, a missing field, another order — falls back to JSON.parse, which also
 * produces the error message for a malformed line.
 */
import type { SampleTags } from './accumulator.ts';

export interface Point {
  readonly metric: string;
  readonly time: string;
  readonly value: number;
  readonly tags: SampleTags;
}

const METRIC_AT = 11; // after `{"metric":"`

/** The fast path; undefined when the line is not in k6's usual form (then use `parsePointSlow`). */
export function parsePointFast(line: string): Point | undefined {
  if (!line.endsWith('}}')) return undefined; // a cut line; JSON.parse will say where
  const metricEnd = line.indexOf('"', METRIC_AT);
  if (metricEnd < 0) return undefined;
  const metric = line.slice(METRIC_AT, metricEnd);
  const timeKey = line.indexOf('"time":"', metricEnd);
  if (timeKey < 0) return undefined;
  const timeStart = timeKey + 8;
  const timeEnd = line.indexOf('"', timeStart);
  if (timeEnd < 0 || !line.startsWith(',"value":', timeEnd + 1)) return undefined;
  const valueStart = timeEnd + 10;
  const valueEnd = line.indexOf(',', valueStart);
  if (valueEnd < 0 || !line.startsWith('"tags":', valueEnd + 1)) return undefined;
  const valueText = line.slice(valueStart, valueEnd);
  const value = Number(valueText);
  if (valueText === '' || !Number.isFinite(value)) return undefined;
  const tagsStart = valueEnd + 8;
  let tags: SampleTags;
  if (line.startsWith('null', tagsStart)) tags = {};
  else {
    const parsed = flatTags(line, tagsStart);
    if (!parsed) return undefined;
    tags = parsed;
  }
  return { metric, time: line.slice(timeStart, timeEnd), value, tags };
}

/**
 * A flat `{"k":"v",…}` object starting at `open`, keeping only the tags verify reads (building the
 * other strings would only feed the garbage collector); undefined on escapes or non-string values.
 */
function flatTags(line: string, open: number): Record<string, string> | undefined {
  if (line.charCodeAt(open) !== 0x7b) return undefined;
  const tags: Record<string, string> = {};
  let pos = open + 1;
  if (line.charCodeAt(pos) === 0x7d) return tags;
  for (;;) {
    if (line.charCodeAt(pos) !== 0x22) return undefined;
    const keyEnd = line.indexOf('"', pos + 1);
    if (keyEnd < 0 || line.charCodeAt(keyEnd + 1) !== 0x3a || line.charCodeAt(keyEnd + 2) !== 0x22) return undefined;
    const valueEnd = line.indexOf('"', keyEnd + 3);
    if (valueEnd < 0) return undefined;
    // A backslash before the closing quote means JSON escapes: let JSON.parse decode them.
    if (line.charCodeAt(valueEnd - 1) === 0x5c || line.charCodeAt(keyEnd - 1) === 0x5c) return undefined;
    const key = keptTag(line, pos + 1, keyEnd);
    if (key !== undefined) {
      const value = line.slice(keyEnd + 3, valueEnd);
      if (value.includes('\\')) return undefined; // e.g. Go's \u0026 for & in a URL
      tags[key] = value;
    }
    const next = line.charCodeAt(valueEnd + 1);
    if (next === 0x7d) return tags;
    if (next !== 0x2c) return undefined;
    pos = valueEnd + 2;
  }
}

/**
 * The tags the accumulator reads, recognised by length and spelling without slicing the key.
 * (No `url`: k6 sets the `name` tag to the URL when a script gives none.) The postback plants'
 * tags (aclue_postbacks) are among them.
 */
function keptTag(line: string, start: number, end: number): string | undefined {
  switch (end - start) {
    case 4:
      return line.startsWith('name', start) ? 'name' : line.startsWith('kind', start) ? 'kind' : undefined;
    case 6:
      return line.startsWith('status', start)
        ? 'status'
        : line.startsWith('entity', start)
          ? 'entity'
          : line.startsWith('amount', start)
            ? 'amount'
            : undefined;
    case 7:
      return line.startsWith('user_id', start) ? 'user_id' : line.startsWith('outcome', start) ? 'outcome' : undefined;
    case 10:
      return line.startsWith('commission', start)
        ? 'commission'
        : line.startsWith('clicked_at', start)
          ? 'clicked_at'
          : undefined;
    case 17:
      return line.startsWith('expected_response', start) ? 'expected_response' : undefined;
    case 8:
      return line.startsWith('scenario', start)
        ? 'scenario'
        : line.startsWith('click_id', start)
          ? 'click_id'
          : line.startsWith('order_id', start)
            ? 'order_id'
            : undefined;
    case 2:
      return line.startsWith('id', start) ? 'id' : undefined;
    default:
      return undefined;
  }
}

/** JSON.parse path: any valid k6 sample; throws SyntaxError or returns undefined for wrong shapes. */
export function parsePointSlow(line: string): Point | undefined {
  const sample = JSON.parse(line) as {
    metric?: unknown;
    data?: { time?: unknown; value?: unknown; tags?: SampleTags | null };
  };
  const data = sample.data;
  if (typeof sample.metric !== 'string' || typeof data?.time !== 'string' || typeof data.value !== 'number')
    return undefined;
  return { metric: sample.metric, time: data.time, value: data.value, tags: data.tags ?? {} };
}
