/** The JSON.parse-free sample reader agrees with JSON.parse, and steps aside for anything unusual. */
import { describe, expect, it } from 'vitest';
import { parsePointFast, parsePointSlow } from '../../verify/k6/point-parser.ts';

const line = (tags: string, value = '12.5') =>
  `{"metric":"http_req_duration","type":"Point","data":{"time":"2026-11-25T15:57:15.857658489Z","value":${value},"tags":${tags}}}`;

describe('parsePointFast', () => {
  it('reads metric, time, value and the tags verify uses, like JSON.parse', () => {
    const text = line(
      '{"expected_response":"true","group":"","method":"GET","name":"swipe_create","proto":"HTTP/1.1","scenario":"swiper","status":"201","url":"http://h/api"}',
    );
    const fast = parsePointFast(text)!;
    const slow = parsePointSlow(text)!;
    expect(fast.metric).toBe(slow.metric);
    expect(fast.time).toBe(slow.time);
    expect(fast.value).toBe(slow.value);
    expect(fast.tags).toEqual({ expected_response: 'true', name: 'swipe_create', scenario: 'swiper', status: '201' });
    expect(parsePointFast(line('{}'))?.tags).toEqual({});
    expect(parsePointFast(line('null'))?.tags).toEqual({});
    expect(parsePointFast(line('{"entity":"swipe","id":"s-1"}', '1e3'))).toMatchObject({
      value: 1000,
      tags: { entity: 'swipe', id: 's-1' },
    });
  });

  it('leaves escapes, cut lines and odd shapes to JSON.parse', () => {
    expect(parsePointFast(line('{"name":"a\\u0026b"}'))).toBeUndefined();
    expect(parsePointSlow(line('{"name":"a\\u0026b"}'))?.tags.name).toBe('a&b');
    expect(parsePointFast(line('{"group":"x\\"y","name":"n"}'))).toBeUndefined();
    expect(parsePointFast(line('{"name":"n"}').slice(0, -2))).toBeUndefined();
    expect(parsePointFast(line('{"name":"n"}', '"12"'))).toBeUndefined();
    expect(parsePointFast(line('{"name":1}'))).toBeUndefined();
    expect(() => parsePointSlow('{"metric":"http_req_duration","type":"Point","data":{"time":"2026-')).toThrow(
      SyntaxError,
    );
  });
});
