/**
 * An incremental HTTP/1.x response parser for the engine's client (engine/http1-connection.ts):
 * the status line, headers (names lower-cased, a repeated header as an array, as the journeys
 * read them), and the body framed by Content-Length, chunked transfer-encoding or the end of the
 * connection; HEAD answers, 1xx, 204 and 304 have none. Interim 1xx answers are skipped.
 *
 * It is fed straight from a read buffer that the next read overwrites, so whatever it keeps past
 * one `feed` call is copied; a response that arrives in one read (the usual case) is decoded from
 * the read buffer without a copy. A response it cannot read throws a ParseError, whose message
 * says what was expected and what came.
 */

class ParseError extends Error {
  override readonly name = 'ParseError';
}

/** Beyond this the head is not an HTTP response the journeys could use; as Node's own limit. */
const MAX_HEAD_BYTES = 16 * 1024;
/** A chunk-size or trailer line longer than this is refused. */
const MAX_LINE_BYTES = 4096;

const HEAD = 0;
const FIXED = 1;
const UNTIL_CLOSE = 2;
const CHUNK_SIZE = 3;
const CHUNK_DATA = 4;
const CHUNK_DATA_END = 5;
const TRAILER = 6;
const DONE = 7;

const CRLFCRLF = Buffer.from('\r\n\r\n');
const LF = 0x0a;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const STATUS_LINE = /^HTTP\/1\.[01] \d{3}(?: |$)/;
const DIGITS = /^\d{1,15}$/;
const HEX_SIZE = /^([0-9a-fA-F]{1,12})[ \t]*(?:;.*)?$/;

type ResponseHeaders = Record<string, string | string[]>;

export class ResponseParser {
  status = 0;
  headers: ResponseHeaders = {};
  /** Whether the connection may carry the next request once this response is complete. */
  keepAlive = true;
  /** Bytes came after the complete response, which no request asked for: the connection is not reusable. */
  extra = false;

  #state = DONE;
  #noBody = false;
  #head: Buffer | undefined;
  #remaining = 0;
  #line = '';
  #completeLine: string | undefined;
  #parts: Buffer[] = [];
  #partBytes = 0;
  /** A body segment still in the caller's buffer: [start, end), decoded or copied before feed returns. */
  #segmentStart = 0;
  #segmentEnd = 0;
  #body = '';

  /** Expects a new response; `headRequest`: the request was HEAD, so the answer has no body whatever it says. */
  begin(headRequest: boolean): void {
    this.#state = HEAD;
    this.#noBody = headRequest;
    this.#head = undefined;
    this.#parts = [];
    this.#partBytes = 0;
    this.#body = '';
    this.#line = '';
    this.status = 0;
    this.headers = {};
    this.keepAlive = true;
    this.extra = false;
  }

  /** The body as text, once complete. */
  get body(): string {
    return this.#body;
  }

  /** Reads `buf[start, end)`; true once the response is complete. Throws a ParseError for a response it cannot read. */
  feed(buf: Buffer, start: number, end: number): boolean {
    let at = start;
    this.#segmentStart = this.#segmentEnd = 0;
    while (at < end && this.#state !== DONE) {
      switch (this.#state) {
        case HEAD:
          at = this.#readHead(buf, at, end);
          break;
        case FIXED: {
          const take = Math.min(this.#remaining, end - at);
          this.#segment(buf, at, at + take);
          at += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#state = DONE;
          break;
        }
        case UNTIL_CLOSE:
          this.#segment(buf, at, end);
          at = end;
          break;
        case CHUNK_SIZE:
        case CHUNK_DATA_END:
        case TRAILER:
          at = this.#readLine(buf, at, end);
          if (this.#completeLine !== undefined) this.#onLine(this.#completeLine);
          break;
        case CHUNK_DATA: {
          const take = Math.min(this.#remaining, end - at);
          this.#segment(buf, at, at + take);
          at += take;
          this.#remaining -= take;
          if (this.#remaining === 0) this.#state = CHUNK_DATA_END;
          break;
        }
      }
    }
    if (this.#state === DONE) {
      if (at < end) this.extra = true;
      this.#finishBody(buf);
      return true;
    }
    this.#keepSegment(buf);
    return false;
  }

  /** The server closed the connection: true when that ends the response (a body without length), false when it came too early. */
  endOfStream(): boolean {
    if (this.#state !== UNTIL_CLOSE) return this.#state === DONE;
    this.#state = DONE;
    this.#finishBody(undefined);
    return true;
  }

  #readHead(buf: Buffer, start: number, end: number): number {
    let source = buf;
    let from = start;
    let to = end;
    if (this.#head !== undefined) {
      source = Buffer.concat([this.#head, buf.subarray(start, end)]);
      from = 0;
      to = source.length;
    }
    // indexOf may look past `to` into stale bytes of the read buffer: a match there does not count.
    const found = source.indexOf(CRLFCRLF, from);
    if (found < 0 || found + 4 > to) {
      if (to - from > MAX_HEAD_BYTES)
        throw new ParseError(`the response head exceeds ${MAX_HEAD_BYTES} bytes without its closing empty line`);
      this.#head = source === buf ? Buffer.from(buf.subarray(start, end)) : source;
      return end;
    }
    const consumedOfThis = found + 4 - from - (this.#head?.length ?? 0);
    this.#head = undefined;
    this.#parseHead(source.toString('latin1', from, found));
    return start + consumedOfThis;
  }

  /** The head without its closing empty line, walked line by line (no array of lines, no match objects). */
  #parseHead(text: string): void {
    let eol = text.indexOf('\r\n');
    if (eol < 0) eol = text.length;
    const statusLine = text.slice(0, eol);
    if (!STATUS_LINE.test(statusLine))
      throw new ParseError(`expected a status line like "HTTP/1.1 200 OK", received ${quote(statusLine)}`);
    const http11 = text.charCodeAt(7) === 0x31;
    const status = Number(text.slice(9, 12));
    const headers: ResponseHeaders = {};
    let contentLength = -1;
    let chunked = false;
    let otherCoding = false;
    let connection = '';
    for (let at = eol + 2; at < text.length; at = eol + 2) {
      eol = text.indexOf('\r\n', at);
      if (eol < 0) eol = text.length;
      const colon = text.indexOf(':', at);
      const rawName = colon > at && colon < eol ? text.slice(at, colon) : '';
      if (!TOKEN.test(rawName))
        throw new ParseError(`expected a header line "name: value", received ${quote(text.slice(at, eol))}`);
      const name = rawName.toLowerCase();
      const value = text.slice(colon + 1, eol).trim();
      const existing = headers[name];
      if (existing === undefined) headers[name] = value;
      else if (typeof existing === 'string') headers[name] = [existing, value];
      else if (Array.isArray(existing)) existing.push(value);
      if (name === 'content-length') contentLength = this.#contentLength(value, contentLength);
      else if (name === 'transfer-encoding') {
        // Only a final "chunked" frames the body; any other coding runs to the end of the connection.
        chunked = /(?:^|,)[ \t]*chunked[ \t]*$/i.test(value);
        otherCoding = !chunked;
      } else if (name === 'connection') connection += `,${value.toLowerCase()}`;
    }
    if (status >= 100 && status < 200 && status !== 101) return; // interim: the real answer follows
    this.status = status;
    this.headers = headers;
    const closes = /(?:^|,)[ \t]*close[ \t]*(?:,|$)/.test(connection);
    this.keepAlive = http11 ? !closes : /(?:^|,)[ \t]*keep-alive[ \t]*(?:,|$)/.test(connection) && !closes;
    if (this.#noBody || status === 204 || status === 304 || status === 101) {
      if (status === 101) this.keepAlive = false; // the kit never asks to switch protocols
      this.#state = DONE;
    } else if (chunked) this.#state = CHUNK_SIZE;
    else if (otherCoding || contentLength < 0) {
      this.#state = UNTIL_CLOSE;
      this.keepAlive = false;
    } else if (contentLength === 0) this.#state = DONE;
    else {
      this.#state = FIXED;
      this.#remaining = contentLength;
    }
  }

  /** A Content-Length value; repeated ones (as a list or as headers) must agree. */
  #contentLength(value: string, earlier: number): number {
    if (earlier < 0 && DIGITS.test(value)) return Number(value);
    let length = earlier;
    for (const part of value.split(',')) {
      const text = part.trim();
      if (!DIGITS.test(text)) throw new ParseError(`expected a Content-Length of digits, received ${quote(value)}`);
      const n = Number(text);
      if (length >= 0 && n !== length)
        throw new ParseError(`the response gives two different Content-Lengths, ${length} and ${n}`);
      length = n;
    }
    return length;
  }

  #chunkSize(line: string): void {
    const match = HEX_SIZE.exec(line);
    if (!match) throw new ParseError(`expected a chunk size in hex, received ${quote(line)}`);
    const size = Number.parseInt(match[1]!, 16);
    if (size === 0) this.#state = TRAILER;
    else {
      this.#remaining = size;
      this.#state = CHUNK_DATA;
    }
  }

  /** A line of the chunked framing: a chunk's size, the CRLF after its data, or a trailer field. */
  #onLine(line: string): void {
    if (this.#state === CHUNK_SIZE) this.#chunkSize(line);
    else if (this.#state === CHUNK_DATA_END) {
      if (line !== '') throw new ParseError(`expected CRLF after a chunk's data, received ${quote(line)}`);
      this.#state = CHUNK_SIZE;
    } else if (line === '') this.#state = DONE; // trailer fields are not headers of the response (as in k6)
  }

  /**
   * One CRLF-terminated line, which may arrive over several reads: `#completeLine` is the line
   * without its CRLF once complete, else undefined. Returns where reading goes on.
   */
  #readLine(buf: Buffer, start: number, end: number): number {
    const lf = buf.indexOf(LF, start);
    if (lf < 0 || lf >= end) {
      this.#completeLine = undefined;
      this.#line += buf.toString('latin1', start, end);
      if (this.#line.length > MAX_LINE_BYTES)
        throw new ParseError(`a line of the chunked body exceeds ${MAX_LINE_BYTES} bytes`);
      return end;
    }
    const line = this.#line + buf.toString('latin1', start, lf);
    this.#line = '';
    if (!line.endsWith('\r')) throw new ParseError(`expected a line ending in CRLF, received ${quote(`${line}\n`)}`);
    this.#completeLine = line.slice(0, -1);
    return lf + 1;
  }

  /** Body bytes in the caller's buffer; a second segment in the same read (chunked) copies the first out. */
  #segment(buf: Buffer, start: number, end: number): void {
    if (start === end) return;
    if (this.#segmentEnd !== this.#segmentStart) this.#keepSegment(buf);
    this.#segmentStart = start;
    this.#segmentEnd = end;
  }

  /** Copies the pending segment out of the caller's buffer, which the next read overwrites. */
  #keepSegment(buf: Buffer): void {
    if (this.#segmentEnd === this.#segmentStart) return;
    const copy = Buffer.allocUnsafe(this.#segmentEnd - this.#segmentStart);
    buf.copy(copy, 0, this.#segmentStart, this.#segmentEnd);
    this.#parts.push(copy);
    this.#partBytes += copy.length;
    this.#segmentStart = this.#segmentEnd = 0;
  }

  #finishBody(buf: Buffer | undefined): void {
    const pending = this.#segmentEnd - this.#segmentStart;
    if (this.#parts.length === 0) {
      this.#body = pending > 0 && buf ? buf.toString('utf8', this.#segmentStart, this.#segmentEnd) : '';
    } else {
      if (buf) this.#keepSegment(buf);
      this.#body = Buffer.concat(this.#parts, this.#partBytes).toString('utf8');
    }
    this.#parts = [];
    this.#segmentStart = this.#segmentEnd = 0;
  }
}

/** A received fragment for an error message: JSON-quoted, cut at 80 characters. */
function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
