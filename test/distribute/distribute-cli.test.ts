/**
 * `npm run distribute -- k8s`: the entry script bundled with esbuild and the seed manifest packed into
 * manifests that fit the k6-operator CRD, on a machine without k6 (the runners bring their own image).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { testRunProblems } from '../support/k6-operator-crd.ts';
import { runScript } from '../support/run-script.ts';

let tmp: string;
let env: Record<string, string>;

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'kit-distribute-'));
  const manifest = path.join(tmp, 'manifest.json');
  const user = (n: number) => ({
    id: `00000000-0000-4000-8000-00000000000${n}`,
    email: `u${n}@kit.invalid`,
    password: 'x',
    accessToken: `token-${n}`,
    archetype: 'a',
  });
  const seed = {
    version: 1,
    runId: 'seed-run-for-distribute-test',
    createdAt: '2026-11-25T00:00:00Z',
    target: { apiUrl: 'http://127.0.0.1:54321', supabaseUrl: 'http://127.0.0.1:54321', kind: 'local' },
    users: [user(1), user(2)],
    products: [{ id: '00000000-0000-4000-8000-0000000000a1', categoryId: '00000000-0000-4000-8000-0000000000c1' }],
    categories: [{ id: '00000000-0000-4000-8000-0000000000c1', slug: 'electronics', name: 'Electronics' }],
  };
  writeFileSync(manifest, JSON.stringify(seed, null, 2));
  // An empty bin folder as PATH: no k6 (nor go) can be found, as on a machine that never had one.
  const bin = path.join(tmp, 'bin');
  mkdirSync(bin);
  env = {
    PATH: bin,
    HOME: os.tmpdir(),
    KIT_ENV_FILE: '/dev/null',
    K6_MANIFEST: manifest,
    K6_API_URL: 'https://staging.example.test',
    K6_POSTBACK_SECRET: 'a-secret-for-the-runners-only',
  };
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('npm run distribute -- k8s', () => {
  it('writes manifests with the bundled script and the seed manifest, and a collect script, without k6', async () => {
    const out = path.join(tmp, 'out');
    const run = await runScript(
      'scripts/distribute.ts',
      ['k8s', '--instances', '3', '--profile', 'smoke', '--name', 'aclue-smoke-test', '--out-dir', out],
      env,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('3 runners of scenarios/smoke.ts');
    expect(run.stdout).toContain('image grafana/k6:');
    const docs = parseAllDocuments(readFileSync(path.join(out, 'manifests.yaml'), 'utf8')).map((d) => d.toJS());
    const testRun = docs.find((d) => d.kind === 'TestRun');
    expect(testRunProblems(testRun)).toEqual([]);
    expect(testRun.spec.parallelism).toBe(3);
    expect(testRun.spec.runner.image).toMatch(/^grafana\/k6:\d+\.\d+\.\d+$/);
    const configMap = docs.find((d) => d.kind === 'ConfigMap');
    const secret = docs.find((d) => d.kind === 'Secret');
    expect(testRun.spec.script.configMap).toEqual({ name: configMap.metadata.name, file: 'script.js' });
    expect(Object.keys(configMap.data)).toEqual(['script.js']);

    // the script: one ES module for k6, its only imports k6's own, the entry's exports kept
    const script: string = configMap.data['script.js'];
    const imports = [...script.matchAll(/^import\b[^'"]*["']([^'"]+)["']/gm)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((specifier) => specifier !== 'k6' && !specifier?.startsWith('k6/'))).toEqual([]);
    expect(script).toMatch(/^export \{[^}]*\bswipingUser\b[^}]*\}/m);
    expect(script).toContain('open(');

    // the manifest (passwords, access tokens) and the secret settings: in the Secret only
    const decoded = (key: string) => Buffer.from(secret.data[key], 'base64').toString();
    expect(JSON.parse(decoded('manifest.json')).runId).toBe('seed-run-for-distribute-test');
    expect(decoded('K6_POSTBACK_SECRET')).toBe('a-secret-for-the-runners-only');
    expect(testRun.spec.runner.env).toEqual(
      expect.arrayContaining([
        { name: 'K6_MANIFEST', value: '/secrets/manifest.json' },
        { name: 'K6_API_URL', value: 'https://staging.example.test' },
        {
          name: 'K6_POSTBACK_SECRET',
          valueFrom: { secretKeyRef: { name: secret.metadata.name, key: 'K6_POSTBACK_SECRET' } },
        },
      ]),
    );
    for (const text of [JSON.stringify(configMap), JSON.stringify(testRun)]) {
      expect(text).not.toContain('a-secret-for-the-runners-only');
      expect(text).not.toContain('token-1');
    }
    expect(statSync(path.join(out, 'collect.sh')).mode & 0o111).not.toBe(0);
    expect(() => statSync(`${out}.partial`)).toThrow();

    // a load.json plan per runner, as a local `--instances 3` run writes it, with the pod's facts left open
    for (const i of [1, 2, 3]) {
      const plan = JSON.parse(readFileSync(path.join(out, 'load-plan', `aclue-smoke-test-${i}.json`), 'utf8'));
      expect(plan).toMatchObject({
        profile: 'smoke',
        engine: { name: 'k6', version: testRun.spec.runner.image.split(':')[1] },
        seedRunId: 'seed-run-for-distribute-test',
        targetUrl: 'https://staging.example.test',
        instance: String(i),
        share: 1 / 3,
        startedAt: null,
        finishedAt: null,
        exitCode: null,
      });
      expect(plan.command).toContain(
        `--execution-segment ${i - 1 === 0 ? '0' : `${i - 1}/3`}:${i === 3 ? '1' : `${i}/3`}`,
      );
      expect(plan.command).not.toContain('a-secret-for-the-runners-only');
    }
  });

  it('does not write over a folder that holds collected results', async () => {
    const out = path.join(tmp, 'collected');
    const args = ['k8s', '--instances', '2', '--profile', 'smoke', '--name', 'aclue-again', '--out-dir', out];
    expect((await runScript('scripts/distribute.ts', args, env)).code).toBe(0);
    mkdirSync(path.join(out, 'report'));
    writeFileSync(path.join(out, 'report', 'summary.json'), '{}');
    const again = await runScript('scripts/distribute.ts', args, env);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('holds the collected results of an earlier run (report)');
    expect(readFileSync(path.join(out, 'report', 'summary.json'), 'utf8')).toBe('{}');
  });

  it('refuses more runners than the profile has VUs, naming the largest N', async () => {
    const out = path.join(tmp, 'too-many');
    const run = await runScript(
      'scripts/distribute.ts',
      ['k8s', '--instances', '21', '--profile', 'smoke', '--out-dir', out],
      env,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the smoke profile has 20 VUs in all');
    expect(run.stderr).toContain('The largest N is 20');
    expect(() => statSync(out)).toThrow();
    const most = await runScript(
      'scripts/distribute.ts',
      ['k8s', '--instances', '20', '--profile', 'smoke', '--out-dir', out],
      env,
    );
    expect(most.code).toBe(0);
    const peak = await runScript('scripts/distribute.ts', ['k8s', '--instances', '169', '--out-dir', out], env);
    expect(peak.code).toBe(2);
    expect(peak.stderr).toContain('The largest N is 168');
  });

  it('refuses an access mode it does not know, and writes a storage class into the claim', async () => {
    const out = path.join(tmp, 'storage');
    const bad = await runScript(
      'scripts/distribute.ts',
      ['k8s', '--instances', '2', '--profile', 'smoke', '--access-mode', 'ReadWriteOncePod', '--out-dir', out],
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--access-mode: expected ReadWriteMany or ReadWriteOnce');
    const good = await runScript(
      'scripts/distribute.ts',
      ['k8s', '--instances', '2', '--profile', 'smoke', '--storage-class', 'filestore-rwx', '--out-dir', out],
      env,
    );
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('ReadWriteMany, storage class filestore-rwx');
    const claim = parseAllDocuments(readFileSync(path.join(out, 'manifests.yaml'), 'utf8'))
      .map((d) => d.toJS())
      .find((d) => d.kind === 'PersistentVolumeClaim');
    expect(claim.spec).toMatchObject({ accessModes: ['ReadWriteMany'], storageClassName: 'filestore-rwx' });
  });

  it('refuses bad input with exit 2 and writes nothing', async () => {
    const out = path.join(tmp, 'bad');
    const zero = await runScript('scripts/distribute.ts', ['k8s', '--instances', '0', '--out-dir', out], env);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--instances');
    const where = await runScript('scripts/distribute.ts', ['nomad', '--instances', '2', '--out-dir', out], env);
    expect(where.code).toBe(2);
    expect(where.stderr).toContain('expected the target "k8s"');
    const unseeded = await runScript('scripts/distribute.ts', ['k8s', '--instances', '2', '--out-dir', out], {
      ...env,
      K6_MANIFEST: path.join(tmp, 'no-such-manifest.json'),
    });
    expect(unseeded.code).toBe(2);
    expect(unseeded.stderr).toContain('K6_MANIFEST');
    expect(unseeded.stderr).toContain('npm run seed');
    const huge = path.join(tmp, 'huge-manifest.json');
    writeFileSync(huge, JSON.stringify({ runId: 'huge', users: [{ accessToken: 'x'.repeat(1024 * 1024) }] }));
    const tooBig = await runScript(
      'scripts/distribute.ts',
      ['k8s', '--instances', '2', '--profile', 'smoke', '--out-dir', out],
      { ...env, K6_MANIFEST: huge },
    );
    expect(tooBig.code).toBe(2);
    expect(tooBig.stderr).toContain('does not fit in the runners');
    expect(() => statSync(out)).toThrow();
  });
});
