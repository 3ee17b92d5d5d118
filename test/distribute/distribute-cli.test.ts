/** `npm run distribute -- k8s`: a real `k6 archive` packed into manifests that fit the k6-operator CRD. */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { testRunSchema } from '../../distribute/testrun-schema.ts';
import { runScript } from '../support/run-script.ts';
import { k6Binary } from '../scenarios/support/k6.ts';

let tmp: string;
let env: Record<string, string>;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kit-distribute-'));
  const manifest = path.join(tmp, 'manifest.json');
  const user = (n: number) => ({ id: `00000000-0000-4000-8000-00000000000${n}`, email: `u${n}@kit.invalid`, password: 'x', accessToken: `token-${n}`, archetype: 'a' });
  writeFileSync(
    manifest,
    JSON.stringify({
      version: 1,
      runId: 'seed-run-for-distribute-test',
      createdAt: '2026-11-25T00:00:00Z',
      target: { apiUrl: 'http://127.0.0.1:54321', supabaseUrl: 'http://127.0.0.1:54321', kind: 'local' },
      users: [user(1), user(2)],
      products: [{ id: '00000000-0000-4000-8000-0000000000a1', categoryId: '00000000-0000-4000-8000-0000000000c1' }],
      categories: [{ id: '00000000-0000-4000-8000-0000000000c1', slug: 'electronics', name: 'Electronics' }],
    }),
  );
  env = { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), KIT_ENV_FILE: '/dev/null', K6_BIN: await k6Binary(), K6_MANIFEST: manifest, K6_POSTBACK_SECRET: 'a-secret-for-the-runners-only' };
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('npm run distribute -- k8s', () => {
  it('writes manifests with the real k6 archive (script, modules and seed manifest) and a collect script', async () => {
    const out = path.join(tmp, 'out');
    const run = await runScript('scripts/distribute.ts', ['k8s', '--instances', '3', '--profile', 'smoke', '--name', 'aclue-smoke-test', '--out-dir', out], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('3 runners of scenarios/smoke.ts');
    const docs = parseAllDocuments(readFileSync(path.join(out, 'manifests.yaml'), 'utf8')).map((d) => d.toJS());
    const testRun = testRunSchema.parse(docs.find((d) => d.kind === 'TestRun'));
    expect(testRun.spec.parallelism).toBe(3);
    const archive = Buffer.from(docs.find((d) => d.kind === 'ConfigMap').binaryData['archive.tar'], 'base64');
    // a k6 archive is a tar holding metadata.json, the scripts and every file they open()
    expect(archive.includes(Buffer.from('metadata.json'))).toBe(true);
    expect(archive.includes(Buffer.from('seed-run-for-distribute-test'))).toBe(true);
    expect(archive.includes(Buffer.from('smoke.ts'))).toBe(true);
    // secrets stay out of the archive: they reach the runners through their environment
    expect(archive.includes(Buffer.from('a-secret-for-the-runners-only'))).toBe(false);
    expect(testRun.spec.runner?.env).toEqual(expect.arrayContaining([{ name: 'K6_POSTBACK_SECRET', value: 'a-secret-for-the-runners-only' }]));
    expect(statSync(path.join(out, 'collect.sh')).mode & 0o111).not.toBe(0);
  });

  it('refuses bad input with exit 2 and writes nothing', async () => {
    const out = path.join(tmp, 'bad');
    const zero = await runScript('scripts/distribute.ts', ['k8s', '--instances', '0', '--out-dir', out], env);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--instances');
    const where = await runScript('scripts/distribute.ts', ['nomad', '--instances', '2', '--out-dir', out], env);
    expect(where.code).toBe(2);
    expect(where.stderr).toContain('expected the target "k8s"');
    expect(() => statSync(out)).toThrow();
  });
});
