/** RawOutput: lines in k6's exact JSON output shapes, gzipped, and only on the final path once complete. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MetricSpec, Metrics, ns } from '../../engine/metrics.ts';
import { parseSampleTime, RawOutput, sampleTimeNow, writeNumber } from '../../engine/raw-output.ts';
import { parsePointFast, parsePointSlow } from '../../verify/k6/point-parser.ts';
import { FIXTURE_RAW, type RawFile, readRaw } from './replay.ts';

const specs: MetricSpec[] = [
  { name: 'http_reqs', type: 'counter', contains: 'default' },
  { name: 'http_req_duration', type: 'trend', contains: 'time' },
  { name: 'checks', type: 'rate', contains: 'default' },
  { name: 'vus', type: 'gauge', contains: 'default' },
];

let dir: string;
let k6: RawFile;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'engine-raw-'));
  k6 = await readRaw(FIXTURE_RAW);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = (file: string) => gunzipSync(readFileSync(file)).toString('utf8').split('\n');

/** A line's structure with values blanked: key order and nesting, the time's format. */
function shape(line: string): string {
  return line
    .replace(/"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z"/, '"time":T')
    .replace(/"tags":\{[^{}]*\}/g, '"tags":{…}')
    .replace(/"value":-?[\d.e+-]+/, '"value":N')
    .replace(/"(name|suffix|metric)":"[^"]*"/g, '"$1":S')
    .replace(/"thresholds":\[[^\]]*\]/, '"thresholds":[…]')
    .replace(/"submetrics":(\[.*\]|null)/, '"submetrics":…');
}

describe('RawOutput', () => {
  it("writes Metric and Point lines in the fixture's shapes, readable by verify's fast parser", async () => {
    const file = path.join(dir, 'shapes.json.gz');
    const out = new RawOutput(file);
    const metrics = new Metrics({
      specs,
      thresholds: {
        http_req_duration: ['p(95)<200'],
        'http_req_duration{name:swipe_create}': [],
        checks: ['rate>=0.999'],
      },
      out,
    });
    const tags = {
      status: '201',
      name: 'swipe_create',
      method: 'POST',
      expected_response: 'true',
      group: '',
      scenario: 'swipingUser',
    };
    const time = sampleTimeNow();
    metrics.add('http_reqs', 1, tags, time);
    metrics.add('http_req_duration', 7.25669, tags, time);
    metrics.add('checks', 1, { check: 'swipe is stored with an id', scenario: 'swipingUser' });
    metrics.add('vus', 12, { profile: 'peak' });
    metrics.add('http_req_duration', 3.5, tags, time);
    expect(existsSync(file)).toBe(false); // nothing on the final path before close
    await out.close();
    expect(existsSync(`${file}.partial`)).toBe(false);

    const written = lines(file);
    expect(written.pop()).toBe(''); // every line ends with a newline
    expect(written.map((l) => JSON.parse(l).type)).toEqual([
      'Metric',
      'Point',
      'Metric',
      'Point',
      'Metric',
      'Point',
      'Metric',
      'Point',
      'Point',
    ]);
    const k6Shapes = new Set(k6.lines.map(shape));
    for (const line of written) expect(k6Shapes, line).toContain(shape(line));

    expect(written[2]).toBe(
      '{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","thresholds":["p(95)<200"],"submetrics":[' +
        '{"name":"http_req_duration{name:swipe_create}","suffix":"name:swipe_create","tags":{"name":"swipe_create"}},' +
        '{"name":"http_req_duration{expected_response:true}","suffix":"expected_response:true","tags":{"expected_response":"true"}}]},"metric":"http_req_duration"}',
    );
    expect(written[3]).toMatch(
      /^\{"metric":"http_req_duration","type":"Point","data":\{"time":"[^"]+","value":7\.25669,"tags":\{"expected_response":"true","group":"","method":"POST","name":"swipe_create","scenario":"swipingUser","status":"201"\}\}\}$/,
    );
    expect(written[6]).toBe(
      '{"type":"Metric","data":{"name":"vus","type":"gauge","contains":"default","thresholds":[],"submetrics":null},"metric":"vus"}',
    );
    for (const line of written.filter((l) => l.startsWith('{"metric"'))) {
      // The fast path keeps only the tags verify reads; those and the rest must agree with JSON.parse.
      const fast = parsePointFast(line);
      const slow = parsePointSlow(line)!;
      expect(fast, line).toMatchObject({ metric: slow.metric, time: slow.time, value: slow.value });
      expect(slow.tags).toMatchObject(fast!.tags);
    }
  });

  it("formats time as Go's RFC3339Nano: up to nine digits, trailing zeros dropped", async () => {
    const file = path.join(dir, 'times.json.gz');
    const out = new RawOutput(file, { level: 3 });
    const metrics = new Metrics({ specs, thresholds: {}, out });
    const texts = [
      '2026-12-02T00:55:03.211370154Z',
      '2026-12-02T00:55:03.44261591Z',
      '2026-12-02T00:55:04.5Z',
      '2026-12-02T00:55:04Z',
      '2026-12-31T23:59:59.000000001Z',
      '2027-01-01T00:00:00.1Z',
    ];
    for (const text of texts) metrics.add('vus', 1, {}, parseSampleTime(text));
    await out.close();
    expect(
      lines(file)
        .filter((l) => l.startsWith('{"metric"'))
        .map((l) => JSON.parse(l).data.time),
    ).toEqual(texts);
  });

  it('reads the clock with sub-millisecond resolution', () => {
    const before = Date.now();
    const t = sampleTimeNow();
    const after = Date.now();
    const ms = t.seconds * 1000 + t.nanos / 1e6;
    expect(Number.isInteger(t.seconds) && Number.isInteger(t.nanos) && t.nanos >= 0 && t.nanos < 1e9).toBe(true);
    // performance.timeOrigin may lag the wall clock by a little; a few ms is plenty.
    expect(ms).toBeGreaterThan(before - 5);
    expect(ms).toBeLessThan(after + 5);
    expect(() => parseSampleTime('2026-12-02T00:55:03.2+01:00')).toThrow(/not an RFC 3339 UTC time/);
  });

  it('escapes tags and names as JSON, sorts tag keys, and writes abortOnFail thresholds as objects', async () => {
    const file = path.join(dir, 'escapes.json.gz');
    const out = new RawOutput(file);
    const metrics = new Metrics({
      specs: [{ name: 'odd"name', type: 'counter', contains: 'default' }],
      thresholds: {
        'odd"name': [
          { threshold: 'count<=0', abortOnFail: true },
          { threshold: 'count<9', abortOnFail: false },
          { threshold: 'rate<1', abortOnFail: true, delayAbortEval: '10s' },
        ],
      },
      out,
    });
    metrics.add('odd"name', 2, { z: 'a&b<c>', a: 'line\nbreak "q" \u2028' });
    await out.close();
    const [declaration, point] = lines(file);
    expect(JSON.parse(declaration!).data.thresholds).toEqual([
      { threshold: 'count<=0', abortOnFail: true, delayAbortEval: null },
      'count<9',
      { threshold: 'rate<1', abortOnFail: true, delayAbortEval: '10s' },
    ]);
    expect(point).toBe(
      `{"metric":"odd\\"name","type":"Point","data":{"time":"${JSON.parse(point!).data.time}","value":2,"tags":{"a":"line\\nbreak \\"q\\" \\u2028","z":"a&b<c>"}}}`,
    );
  });

  it('spans many chunks, takes lines larger than a chunk, and refuses writes after close', async () => {
    const file = path.join(dir, 'many.json.gz');
    const out = new RawOutput(file);
    const metrics = new Metrics({ specs, thresholds: {}, out });
    const tags = { name: 'n' };
    const huge = { name: 'x'.repeat(3 << 20) };
    for (let i = 0; i < 50_000; i++) metrics.add('http_req_duration', i, i === 20_000 ? huge : tags);
    expect(out.backlogBytes).toBeGreaterThan(0);
    await out.close();
    expect(out.backlogBytes).toBe(0);
    const written = lines(file).filter((l) => l !== '');
    expect(written).toHaveLength(50_001);
    expect(written.map((l) => (JSON.parse(l) as { data: { value?: number } }).data.value)).toEqual([
      undefined,
      ...Array.from({ length: 50_000 }, (_, i) => i),
    ]);
    expect(JSON.parse(written[20_001]!).data.tags.name).toHaveLength(3 << 20);
    expect(() => metrics.add('http_req_duration', 1, tags)).toThrow(/write after close/);
  });

  it('writes every value as String() spells it, digit by digit for whole numbers and nanosecond durations', () => {
    const values = [0, -0, 1, 9, 10, 99, 100, 123456789, 999999999999999, 1e15, 2 ** 53, 1e21, 0.5, 0.000001];
    values.push(1e-7, 3.2e-9, -1, -2.5, 0.1 + 0.2, 1 / 3, Math.PI, 1e9 + 0.5, 999999999.999999, 5e-324);
    for (let i = 0; i < 20_000; i++) {
      const ms = Math.random() * 10 ** Math.floor(Math.random() * 10);
      values.push(ns(ms), ms, Math.round(ms), -ns(ms));
    }
    const chunk = Buffer.alloc(64);
    for (const value of values) {
      const end = writeNumber(chunk, 3, value);
      expect(chunk.toString('latin1', 3, end), String(value)).toBe(String(value));
    }
  });

  it('fails close, naming the file, when it cannot be written; the final path stays absent', async () => {
    const file = path.join(dir, 'missing-dir', 'x.json.gz');
    const out = new RawOutput(file);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the open fails meanwhile
    const metrics = new Metrics({ specs, thresholds: {}, out });
    for (let i = 0; i < 20_000; i++) metrics.add('vus', i, { profile: 'peak' }); // several chunks, dropped without a throw
    await expect(out.close()).rejects.toThrow(/writing .*x\.json\.gz\.partial failed: .*ENOENT/);
    expect(existsSync(file)).toBe(false);
  });
});
