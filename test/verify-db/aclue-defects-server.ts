/**
 * A fixture of the *target* as it ships (docs/schema-departures.md, "Known defects"), not of any kit part:
 * a tiny node:http server answering like the deployed Aclue backend — products with a fresh uuid4
 * per call, recommendations always [], constant mock statistics, swipe sessions never stored.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const ASINS = [
  'B08N5WRWNW',
  'B08GYKNCCP',
  'B07HGJQJZ6',
  'B08C1KN5J2',
  'B087DXQZPB',
  'B08DFBNG7F',
  'B08SQCFDNR',
  'B07VNRG4ZX',
];
const MOCK_STATISTICS = { total_swipes: 42, total_likes: 17, favourite_category: 'Electronics', gift_links_created: 3 };

export async function startAclueDefects(): Promise<{ url: string; stop(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === '/api/v1/products/') {
      return send(
        200,
        ASINS.map((asin, i) => ({
          id: randomUUID(),
          asin,
          title: `Product ${i}`,
          price: 29.99 + i * 10,
          category: 'Electronics',
        })),
      );
    }
    if (path === '/api/v1/recommendations/') return send(200, []);
    if (path === '/api/v1/users/me/statistics') return send(200, MOCK_STATISTICS);
    if (path === '/api/v1/swipes/sessions' && req.method === 'POST') {
      return send(200, { session_id: `session_${Date.now()}`, status: 'active', expected_swipes: 20 });
    }
    return send(404, { detail: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
