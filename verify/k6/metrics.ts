/**
 * Which k6 metrics verify reads, decided on the raw bytes of a line before anything is decoded.
 *
 * A k6 `--out json` sample line starts with `{"metric":"<name>","type":"Point",…`; about nine lines
 * out of ten belong to metrics no gate reads (http_req_blocked, _connecting, _sending, _waiting,
 * _receiving, _tls_handshaking, http_reqs, data_sent/received, and
 * http_req_failed, whose value equals the `expected_response` tag of the http_req_duration sample of
 * the same request). Skipping them on a byte test is what keeps the pass near the speed of gunzip.
 */

const AT = 11; // offset of the name: `{"metric":"` is 11 bytes

/**
 * True when the sample line starting at `start` is for a metric verify reads. Decides on a few
 * bytes at fixed offsets (the first letter of the name, a distinguishing letter, where the closing
 * quote must be) instead of extracting the name: ~90% of lines stop here after two or three reads.
 * Custom metrics are all `aclue_*`; the kit engine's own (its health, verify/k6/generator-health.ts) `kit_*`.
 */
export function isWantedPoint(buf: Buffer, start: number): boolean {
  const n = start + AT;
  switch (buf[n]) {
    case 0x68: // h: http_req_duration only (http_req_d…, 17 letters); the other http_* are skipped
      return buf[n + 9] === 0x64 && buf[n + 17] === 0x22;
    case 0x69: // i: iterations (10 letters) and iteration_duration (18), the reference for the lag behind schedule
      return buf[n + 10] === 0x22 || (buf[n + 9] === 0x5f && buf[n + 18] === 0x22);
    case 0x64: // d: dropped_iterations, not data_sent / data_received
      return buf[n + 1] === 0x72;
    case 0x76: // v: vus, vus_max
      return buf[n + 1] === 0x75 && buf[n + 2] === 0x73;
    case 0x63: // c: checks
      return buf[n + 1] === 0x68 && buf[n + 6] === 0x22;
    case 0x6b: // k: kit_*
      return buf[n + 1] === 0x69 && buf[n + 2] === 0x74 && buf[n + 3] === 0x5f;
    case 0x61: // a: aclue_*
      return buf[n + 1] === 0x63 && buf[n + 2] === 0x6c && buf[n + 5] === 0x5f;
    default:
      return false;
  }
}

/** `{"m` / `{"t`: a sample line or a metric declaration, told apart by the third byte. */
export function lineKind(buf: Buffer, start: number, end: number): 'point' | 'declaration' | 'other' {
  if (end - start < AT + 2 || buf[start] !== 0x7b || buf[start + 1] !== 0x22) return 'other';
  if (buf[start + 2] === 0x6d && buf[start + 9] === 0x3a && buf[start + 10] === 0x22) return 'point'; // {"metric":"
  if (buf[start + 2] === 0x74 && buf[start + 7] === 0x3a) return 'declaration'; // {"type":
  return 'other';
}
