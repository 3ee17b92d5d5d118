import { describe, expect, it } from 'vitest';
import { splitUrl } from '../../engine/http.ts';

describe('URL splitting of the engine HTTP client', () => {
  it('gives origin and path as URL would, without building one per request', () => {
    for (const url of [
      'http://127.0.0.1:54321/api/v1/x?y=1&z=%20',
      'https://Api.Example.test',
      'http://h:1?q=1',
      'http://h/a/b#frag',
    ]) {
      const parsed = new URL(url);
      expect(splitUrl(url), url).toEqual({ origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` });
    }
    expect(splitUrl('ftp://x/y')).toBeUndefined();
    expect(splitUrl('http:///nohost')).toBeUndefined();
  });
});
