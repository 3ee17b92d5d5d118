/**
 * Streams one k6 `--out json` file (gzipped or plain NDJSON) into a LoadAccumulator.
 *
 * Lines are split on the raw bytes and filtered by metric name before any decoding (metrics.ts), so
 * only the ~10% of lines a gate reads are turned into strings and parsed. Damage never throws: a
 * truncated gzip stream, a cut last line or a line that is not a k6 sample becomes a problem naming
 * the file and line, and the samples read up to there still count.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip, type ZlibOptions } from 'node:zlib';
import type { SampleTags } from './accumulator.ts';
import { isWantedPoint, lineKind } from './metrics.ts';
import { type Point, parsePointFast, parsePointSlow } from './point-parser.ts';

export interface RawFileResult {
  readonly lines: number;
  /** Lines that were parsed (wanted metrics). */
  readonly parsed: number;
  readonly problems: readonly string[];
}

/** At most this many problems are listed per file; the count of the rest is added. */
const MAX_PROBLEMS = 5;
const NEWLINE = 0x0a;

/** Opens the file as a byte stream of NDJSON, gunzipping when it starts with the gzip magic bytes. */
export async function openNdjson(file: string): Promise<Readable> {
  const handle = await open(file, 'r');
  const magic = Buffer.alloc(2);
  await handle.read(magic, 0, 2, 0);
  await handle.close();
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  if (magic[0] !== 0x1f || magic[1] !== 0x8b) return raw;
  // A deep read-ahead lets the thread pool inflate the next chunks while this thread parses.
  const gunzip = createGunzip({ chunkSize: 1 << 18, readableHighWaterMark: 1 << 21 } as ZlibOptions);
  raw.on('error', (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}

/** What a raw file's samples are folded into (the LoadAccumulator, or a capacity run's steps). */
export interface SampleSink {
  add(metric: string, time: number, value: number, tags: SampleTags, instance: string): void;
}

/** `wanted` decides on a line's raw bytes whether it is parsed at all (default: the metrics the gates read). */
export async function readRawFile(
  file: string,
  acc: SampleSink,
  instance: string,
  wanted: (buf: Buffer, start: number) => boolean = isWantedPoint,
): Promise<RawFileResult> {
  const problems: string[] = [];
  let extraProblems = 0;
  const problem = (text: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push(text);
    else extraProblems += 1;
  };
  let lines = 0;
  let parsed = 0;
  const time = new TimeParser();

  const handleLine = (buf: Buffer, start: number, end: number) => {
    lines += 1;
    if (end > start && buf[end - 1] === 0x0d) end -= 1; // CRLF written by an editor
    if (end === start) return;
    const kind = lineKind(buf, start, end);
    if (kind !== 'point') {
      if (kind === 'other') {
        problem(
          `${file}:${lines}: not a k6 JSON output line (starts ${JSON.stringify(buf.toString('utf8', start, Math.min(end, start + 40)))})`,
        );
      }
      return;
    }
    if (!wanted(buf, start)) return;
    const text = buf.toString('utf8', start, end);
    let point: Point | undefined;
    try {
      point = parsePointFast(text) ?? parsePointSlow(text);
    } catch (error) {
      problem(`${file}:${lines}: not valid JSON (${(error as Error).message})`);
      return;
    }
    const t = point ? time.parse(point.time) : Number.NaN;
    if (!point || Number.isNaN(t)) {
      problem(`${file}:${lines}: sample without metric, numeric value or valid time`);
      return;
    }
    parsed += 1;
    acc.add(point.metric, t, point.value, point.tags, instance);
  };

  let stream: Readable;
  try {
    stream = await openNdjson(file);
  } catch (error) {
    return { lines: 0, parsed: 0, problems: [`${file}: cannot be read (${(error as Error).message})`] };
  }
  let rest: Buffer | undefined;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let pos = 0;
      if (rest) {
        const nl = chunk.indexOf(NEWLINE);
        if (nl < 0) {
          rest = Buffer.concat([rest, chunk]);
          continue;
        }
        const joined = Buffer.concat([rest, chunk.subarray(0, nl)]);
        rest = undefined;
        handleLine(joined, 0, joined.length);
        pos = nl + 1;
      }
      let nl = chunk.indexOf(NEWLINE, pos);
      while (nl >= 0) {
        handleLine(chunk, pos, nl);
        pos = nl + 1;
        nl = chunk.indexOf(NEWLINE, pos);
      }
      if (pos < chunk.length) rest = Buffer.from(chunk.subarray(pos));
    }
  } catch (error) {
    const e = error as { code?: string; message?: string };
    const why =
      e.code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message ?? '')
        ? 'the gzip stream is truncated'
        : `the file cannot be decompressed (${e.message ?? String(error)})`;
    problem(
      `${file}: ${why} after line ${lines}${rest ? `; line ${lines + 1} is cut off` : ''}; the run's output is incomplete`,
    );
    rest = undefined;
  }
  if (rest && rest.length > 0) {
    // k6 ends every line with a newline: a last line without one was cut while being written.
    lines += 1;
    problem(`${file}:${lines}: the last line is cut off (no newline at the end); the run's output is incomplete`);
  }
  if (extraProblems > 0) problems.push(`${file}: ${extraProblems} more problem line(s) not listed`);
  return { lines, parsed, problems };
}

/**
 * RFC 3339 timestamps with nanoseconds ("2026-11-25T15:57:15.857658489Z"): Date.parse runs once per
 * new second; the milliseconds are read from the fraction digits.
 */
class TimeParser {
  private prefix = '';
  private base = Number.NaN;

  parse(text: string): number {
    const prefix = text.slice(0, 19);
    if (prefix !== this.prefix) {
      let zone = 19;
      if (text.charCodeAt(19) === 0x2e) {
        zone = 20;
        while (zone < text.length && text.charCodeAt(zone) >= 0x30 && text.charCodeAt(zone) <= 0x39) zone += 1;
      }
      this.prefix = prefix;
      this.base = Date.parse(prefix + text.slice(zone));
    }
    if (text.charCodeAt(19) !== 0x2e) return this.base;
    // Go trims trailing zeros of the fraction, so it may have fewer than three digits.
    let ms = 0;
    for (let i = 20, scale = 100; i < 23; i++, scale /= 10) {
      const digit = text.charCodeAt(i) - 0x30;
      if (digit < 0 || digit > 9) break;
      ms += digit * scale;
    }
    return this.base + ms;
  }
}
