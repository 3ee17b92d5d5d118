import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { bundleK6Script, isK6Module } from '../../distribute/bundle.ts';
import { collectScript } from '../../distribute/collect-script.ts';
import { buildK8sManifests, type K8sPlan, MANIFEST_FILE, OBJECT_DATA_LIMIT_BYTES } from '../../distribute/k8s.ts';
import { fitManifest } from '../../distribute/seed-manifest.ts';
import { runnerSettings } from '../../distribute/settings.ts';
import { toYaml } from '../../distribute/yaml.ts';
import { ExitCode, type KitError } from '../../lib/errors.ts';
import { hs256Signer } from '../../lib/jwt.ts';
import { repoRoot } from '../../lib/paths.ts';
import { categorySlugs, productCount, userCount } from '../../model/behaviour.ts';
import { parseScenarioEnv } from '../../scenarios/lib/env.ts';
import { writeManifest } from '../../seed/manifest.ts';
import { uuidBytes } from '../../seed/uuid.ts';
import { World } from '../../seed/world.ts';
import { podPartProblems, restrictedProblems, testRunProblems } from '../support/k6-operator-crd.ts';

// biome-ignore lint/suspicious/noExplicitAny: manifests read back from YAML, field by field
type Loose = Record<string, any>;

const plan: K8sPlan = {
  name: 'aclue-peak-20261125',
  namespace: 'load',
  parallelism: 4,
  script: 'import http from "k6/http";\nexport default function () {}\n',
  manifest: '{"runId":"seed-run-1","users":[{"password":"pw-1","accessToken":"token-1"}]}',
  env: {
    K6_API_URL: 'https://staging.example.test',
    K6_PROFILE_DURATION: '5m',
    K6_POSTBACK_SECRET: 'runner-secret',
    K6_MANIFEST: '/home/me/.kit/manifest-latest.json',
  },
  secretNames: new Set(['K6_POSTBACK_SECRET']),
  image: 'grafana/k6:2.2.0',
  storage: '2Gi',
};

const docsOf = (yaml: string): Loose[] => parseAllDocuments(yaml).map((d) => d.toJS());

/** Pod-level and container-level security of one of the TestRun's pods, as the restricted check reads them. */
const podOf = (part: Loose) => ({
  securityContext: part.securityContext,
  containerSecurityContext: part.containerSecurityContext,
  volumes: part.volumes,
});

/** Everything an entry script exports for k6: options, lifecycle functions, one function per journey. */
const ENTRY_EXPORTS = [
  'options',
  'setup',
  'handleSummary',
  'swipingUser',
  'returningUser',
  'anonymousBrowser',
  'networkPostback',
  'rlsProbe',
];

describe('k6-operator manifests', () => {
  it('writes a Secret, a ConfigMap, a claim and a TestRun that round-trip through YAML and fit the CRD, unknown fields refused', () => {
    const { yaml, configMapBytes, secretBytes } = buildK8sManifests(plan);
    const docs = docsOf(yaml);
    expect(docs.map((d) => d.kind)).toEqual(['Secret', 'ConfigMap', 'PersistentVolumeClaim', 'TestRun']);
    const [secret, configMap, claim, testRun] = docs as [Loose, Loose, Loose, Loose];
    expect(testRunProblems(testRun)).toEqual([]);
    expect(configMap.data).toEqual({ 'script.js': plan.script });
    expect(configMapBytes).toBe('script.js'.length + plan.script.length);
    const decoded = Object.fromEntries(
      Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
    );
    expect(decoded).toEqual({ 'manifest.json': plan.manifest, K6_POSTBACK_SECRET: 'runner-secret' });
    expect(secretBytes).toBe(
      'manifest.json'.length + plan.manifest.length + 'K6_POSTBACK_SECRET'.length + 'runner-secret'.length,
    );
    expect(testRun.spec.parallelism).toBe(4);
    expect(testRun.spec.script.configMap).toEqual({ name: configMap.metadata.name, file: 'script.js' });
    expect(testRun.metadata.namespace).toBe('load');
    expect(testRun.spec.runner.volumes[0].persistentVolumeClaim.claimName).toBe(claim.metadata.name);
    expect(testRun.spec.runner.volumes[1].secret.secretName).toBe(secret.metadata.name);
    // each runner writes into its own folder of the shared claim
    expect(testRun.spec.runner.volumeMounts[0].subPathExpr).toBe('$(RUNNER_NAME)');
    expect(testRun.spec.arguments).toContain('--out json=/results/k6-raw.json.gz');
  });

  it('the CRD validator refuses what the API server refuses or prunes', () => {
    const { testRun } = buildK8sManifests(plan);
    const broken = structuredClone(testRun) as Loose;
    delete broken.spec.parallelism;
    expect(testRunProblems(broken).join()).toContain("must have required property 'parallelism'");
    const typo = structuredClone(testRun) as Loose;
    typo.spec.paralellism = 4; // a misspelt field would be pruned silently by the API server
    expect(testRunProblems(typo).join()).toContain('paralellism');
    const nested = structuredClone(testRun) as Loose;
    nested.spec.runner.securityContext.fsGroupp = 12345;
    expect(testRunProblems(nested).join()).toContain('fsGroupp');
    const cleanup = structuredClone(testRun) as Loose;
    cleanup.spec.cleanup = 'always';
    expect(testRunProblems(cleanup).join()).toContain('allowed values');
  });

  it('puts the seed manifest and the secret settings in the Secret, never in the ConfigMap, the TestRun or the initializer', () => {
    const { testRun, yaml } = buildK8sManifests(plan);
    const [, configMap] = docsOf(yaml);
    const runner = testRun.spec.runner.env as Loose[];
    expect(runner.filter((e) => e.name === 'K6_MANIFEST')).toEqual([
      { name: 'K6_MANIFEST', value: `/secrets/${MANIFEST_FILE}` },
    ]);
    expect(runner).toEqual(
      expect.arrayContaining([
        { name: 'K6_API_URL', value: 'https://staging.example.test' },
        { name: 'K6_PROFILE_DURATION', value: '5m' },
        {
          name: 'K6_POSTBACK_SECRET',
          valueFrom: { secretKeyRef: { name: 'aclue-peak-20261125-secrets', key: 'K6_POSTBACK_SECRET' } },
        },
        { name: 'K6_SUMMARY_DIR', value: '/results' },
      ]),
    );
    expect(testRun.spec.runner.volumeMounts).toContainEqual({ name: 'secrets', mountPath: '/secrets', readOnly: true });
    for (const text of [JSON.stringify(configMap), JSON.stringify(testRun)]) {
      expect(text).not.toContain('runner-secret');
      expect(text).not.toContain('token-1');
      expect(text).not.toContain('pw-1');
    }
    const initializer = testRun.spec.initializer as Loose;
    expect(initializer.image).toBe('grafana/k6:2.2.0');
    expect(initializer.env.map((e: Loose) => e.name).sort()).toEqual([
      'K6_API_URL',
      'K6_MANIFEST',
      'K6_PROFILE_DURATION',
    ]);
    expect(initializer.volumes).toBeUndefined();
  });

  it("every pod runs as k6's user with fsGroup 12345, and the restricted Pod Security level admits it", () => {
    const { testRun, collector } = buildK8sManifests(plan);
    for (const part of ['runner', 'initializer', 'starter'] as const) {
      const pod = testRun.spec[part] as Loose;
      expect(pod.securityContext, part).toMatchObject({ runAsNonRoot: true, runAsUser: 12345, fsGroup: 12345 });
      expect(restrictedProblems(podOf(pod)), part).toEqual([]);
    }
    const spec = collector.spec as Loose;
    const container = spec.containers[0];
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 12345, fsGroup: 12345 });
    expect(
      restrictedProblems({
        securityContext: spec.securityContext,
        containerSecurityContext: container.securityContext,
        volumes: spec.volumes,
      }),
    ).toEqual([]);
    // the collector's parts are the core types the CRD also declares for the runner
    expect(podPartProblems('securityContext', spec.securityContext)).toEqual([]);
    expect(podPartProblems('containerSecurityContext', container.securityContext)).toEqual([]);
    expect(podPartProblems('volumes', spec.volumes)).toEqual([]);
    // and the check can fail: the old collector ran as root with no security settings
    expect(restrictedProblems({ volumes: spec.volumes })).toContain('runAsNonRoot must be true');
  });

  it('the claim asks for ReadWriteMany on the default class unless told; ReadWriteOnce keeps every pod on one node', () => {
    const claimOf = (p: K8sPlan) => docsOf(buildK8sManifests(p).yaml).find((d) => d.kind === 'PersistentVolumeClaim')!;
    expect(claimOf(plan).spec).toEqual({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '2Gi' } } });
    expect(claimOf({ ...plan, storageClass: 'filestore-rwx' }).spec.storageClassName).toBe('filestore-rwx');
    expect(buildK8sManifests(plan).testRun.spec.runner.affinity).toBeUndefined();
    const once = buildK8sManifests({ ...plan, accessMode: 'ReadWriteOnce' });
    expect(claimOf({ ...plan, accessMode: 'ReadWriteOnce' }).spec.accessModes).toEqual(['ReadWriteOnce']);
    expect(testRunProblems(once.testRun)).toEqual([]);
    const affinity = once.testRun.spec.runner.affinity as Loose;
    expect(affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe(
      'kubernetes.io/hostname',
    );
    expect((once.collector.spec as Loose).affinity).toEqual(affinity);
    expect(podPartProblems('affinity', affinity)).toEqual([]);
    const label = affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels;
    expect(once.testRun.spec.runner.metadata).toMatchObject({ labels: label });
    expect(once.collector.metadata.labels).toMatchObject(label);
  });

  it('collect.sh applies server-side and waits without --for=jsonpath', () => {
    const { names } = buildK8sManifests(plan);
    const script = collectScript({
      name: plan.name,
      namespace: 'load',
      parallelism: 4,
      kitDir: repoRoot,
      seedRunId: 'seed-run-1',
      accessMode: 'ReadWriteMany',
      storageClass: undefined,
      names,
      durationSeconds: 300,
    });
    expect(script).toContain('"$KUBECTL" -n \'load\' "$@"');
    expect(script).toContain('k apply --server-side');
    expect(script).not.toMatch(/apply(?! --server-side)[^\n]* -f/);
    expect(script).not.toContain('--for=jsonpath');
    expect(script).toContain('--seed-run "$SEED_RUN"');
  });

  const shellcheck = spawnSync('shellcheck', ['--version']).status === 0;
  it.skipIf(!shellcheck)('collect.sh passes shellcheck (skipped where shellcheck is not installed)', () => {
    const { names } = buildK8sManifests(plan);
    for (const accessMode of ['ReadWriteMany', 'ReadWriteOnce'] as const) {
      const script = collectScript({
        name: plan.name,
        namespace: 'load',
        parallelism: 4,
        kitDir: repoRoot,
        seedRunId: 'seed-run-1',
        accessMode,
        storageClass: 'nfs',
        names,
        durationSeconds: 300,
      });
      const check = spawnSync('shellcheck', ['-s', 'bash', '-'], { input: script, encoding: 'utf8' });
      expect(check.stdout, accessMode).toBe('');
      expect(check.status).toBe(0);
    }
  });

  it('refuses bad input with a usage error naming the flag or the limit', () => {
    const bad = (p: Partial<K8sPlan>) => {
      try {
        buildK8sManifests({ ...plan, ...p });
      } catch (error) {
        return error as KitError;
      }
      throw new Error('expected an error');
    };
    expect(bad({ name: 'Peak_Run' }).message).toContain('--name');
    expect(bad({ parallelism: 0 }).message).toContain('--instances');
    const big = bad({ manifest: 'x'.repeat(OBJECT_DATA_LIMIT_BYTES) });
    expect(big.exitCode).toBe(ExitCode.usage);
    expect(big.message).toContain('1 MiB');
    expect(big.message).toContain('seed manifest 1024 KiB');
    // just under the limit still fits: the check counts keys and values, as the API server does
    const secretRest = 'manifest.json'.length + 'K6_POSTBACK_SECRET'.length + 'runner-secret'.length;
    expect(buildK8sManifests({ ...plan, manifest: 'x'.repeat(OBJECT_DATA_LIMIT_BYTES - secretRest) }).secretBytes).toBe(
      OBJECT_DATA_LIMIT_BYTES,
    );
  });

  it('YAML strings escape the characters Kubernetes would read as line breaks', () => {
    const text = 'a\u2028b\u0085c\u00e9';
    const yaml = toYaml({ s: text });
    expect(yaml).toBe('s: "a\\u2028b\\u0085cé"\n');
    expect(parseAllDocuments(yaml)[0]?.toJS()).toEqual({ s: text });
  });
});

describe('the seed manifest in the Secret at scale 1 and 10', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kit-k8s-manifest-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const categories = categorySlugs.map((slug, i) => ({
    slug,
    id: uuidBytes(`0190a000-0000-7000-8000-${(i + 1).toString(16).padStart(12, '0')}`),
  }));

  for (const scale of [1, 10]) {
    it(`scale ${scale}: ConfigMap and Secret stay within what a server-side apply accepts (1 MiB each)`, async () => {
      const params = { seed: `k8s-${scale}`, scale, users: userCount(scale), products: productCount(scale) };
      const world = new World(params, categories);
      const target = {
        kind: 'staging' as const,
        databaseUrl: 'postgres://unused',
        databaseSetting: 'none',
        supabaseUrl: 'https://staging.example.test',
        apiUrl: 'https://staging.example.test',
        serviceRoleKey: 'unused',
        anonKey: 'unused',
        tokenSigner: hs256Signer('a-jwt-secret-of-the-staging-project-32b'),
      };
      const { file } = await writeManifest(tmp, tmp, `run-k8s-${scale}`, world, target);
      const text = readFileSync(file, 'utf8');
      const bundle = await bundleK6Script(repoRoot, 'scenarios/peak.ts');
      const budget =
        OBJECT_DATA_LIMIT_BYTES - 'manifest.json'.length - 'K6_POSTBACK_SECRET'.length - 'runner-secret'.length;
      const fitted = fitManifest(text, budget, file);
      const built = buildK8sManifests({ ...plan, script: bundle.code, manifest: fitted.json });
      expect(built.secretBytes).toBeLessThanOrEqual(OBJECT_DATA_LIMIT_BYTES);
      expect(built.configMapBytes).toBeLessThanOrEqual(OBJECT_DATA_LIMIT_BYTES);
      expect(fitted.seededUsers).toBe(params.users);
      const full = JSON.parse(text);
      const shipped = JSON.parse(fitted.json);
      if (scale === 1) {
        // about 1,000 users of ~850 bytes: over client-side apply's 256 KiB, inside 1 MiB
        expect(Buffer.byteLength(text)).toBeGreaterThan(256 * 1024);
        expect(fitted.users).toBe(params.users);
      } else {
        expect(fitted.users).toBeLessThan(params.users);
        // still more users than any profile has VUs (stress: 327), so no two VUs need share one
        expect(fitted.users).toBeGreaterThan(500);
        // the largest prefix that fits: one more user would not
        const oneMore = JSON.stringify({ ...full, users: full.users.slice(0, fitted.users + 1) });
        expect(Buffer.byteLength(oneMore)).toBeGreaterThan(budget);
      }
      expect(shipped.users).toEqual(full.users.slice(0, fitted.users));
      expect(shipped.runId).toBe(`run-k8s-${scale}`);
      expect(shipped.products).toEqual(full.products);
      // the aged clicks' users are among the first, so they stay
      const kept = new Set(shipped.users.map((u: Loose) => u.id));
      for (const click of shipped.agedClicks) expect(kept.has(click.userId)).toBe(true);
    }, 120_000);
  }
});

describe('runner settings', () => {
  const readFile = (file: string) => {
    if (file === 'baseline.json') return '{"baselineRates":{"swipingUser":30}}';
    throw new Error(`no ${file}`);
  };

  it('passes set settings, marks secrets, and a baseline file by value (the runners cannot read it)', () => {
    const given = {
      K6_API_URL: 'https://staging.example.test',
      K6_ANON_KEY: 'anon',
      K6_BASELINE_FILE: 'baseline.json',
      K6_MANIFEST: 'm.json',
      K6_THINK_TIME_SCALE: '',
    };
    const { env, secretNames } = runnerSettings(given, parseScenarioEnv(given, readFile));
    expect(Object.keys(env).sort()).toEqual(['K6_ANON_KEY', 'K6_API_URL', 'K6_BASELINE_RATES']);
    expect([...secretNames]).toEqual(['K6_ANON_KEY']);
    const rates = JSON.parse(env.K6_BASELINE_RATES ?? '{}');
    expect(rates.swipingUser).toBe(30);
    // the runners parse the value with the same code
    expect(parseScenarioEnv({ K6_BASELINE_RATES: env.K6_BASELINE_RATES }, readFile).baselineRates).toEqual(
      parseScenarioEnv(given, readFile).baselineRates,
    );
  });
});

describe('the bundled entry script', () => {
  for (const profile of ['smoke', 'peak']) {
    it(`scenarios/${profile}.ts bundles into one script that imports only k6 modules and keeps the entry's exports`, async () => {
      const bundle = await bundleK6Script(repoRoot, `scenarios/${profile}.ts`);
      expect(bundle.inputs.length).toBeGreaterThan(1); // local imports were inlined
      expect(bundle.inputs.some((file) => file.startsWith('node_modules/'))).toBe(false);
      expect(bundle.imports.length).toBeGreaterThan(0);
      for (const { path, external } of bundle.imports) {
        expect(external, path).toBe(true);
        expect(isK6Module(path), path).toBe(true);
        expect(path.startsWith('node:'), path).toBe(false);
      }
      expect(bundle.exports).toEqual(expect.arrayContaining(ENTRY_EXPORTS));
      expect(bundle.code).not.toMatch(/\binterface\s+\w+\s*\{/); // types stripped

      // Parsed again from the emitted text alone, with every import left external: what k6 will load.
      const again = await build({
        stdin: { contents: bundle.code, loader: 'js', sourcefile: `${profile}.js` },
        bundle: true,
        external: ['*'],
        format: 'esm',
        platform: 'neutral',
        target: 'es2020',
        metafile: true,
        write: false,
        outfile: 'check.js',
        logLevel: 'silent',
      });
      const output = again.metafile.outputs['check.js'];
      const imported = (output?.imports ?? []).map((i) => i.path);
      expect(imported.length).toBeGreaterThan(0);
      expect(imported.filter((specifier) => !isK6Module(specifier))).toEqual([]);
      expect(output?.exports).toEqual(expect.arrayContaining(ENTRY_EXPORTS));
    });
  }
});
