/**
 * k6-operator manifests for one distributed run: the bundled entry script and the seed manifest in
 * a ConfigMap (mounted at /test in every runner), a volume claim the runners write their raw output
 * to (one sub-folder per runner), and the TestRun itself.
 *
 * Must know: every runner evaluates thresholds and prints a summary of its own share only; the
 * global verdict comes from `npm run verify -- --run <folder>...` over the collected raw outputs.
 * Runners still run the scenarios' `setup()`, which only probes the target (no writes), so N
 * runners have no N-fold setup side effects.
 */
import { UsageError } from '../lib/errors.ts';
import { type TestRun, testRunSchema } from './testrun-schema.ts';
import { toYamlDocuments } from './yaml.ts';

/**
 * The k6 image the runners use unless --image names another: the k6 release the scenarios are
 * tested with. A plain tag, because the kit never builds or downloads k6 (AGPL-3.0) itself; the
 * cluster pulls the official image. Raise it together with the k6 the team runs locally.
 */
export const DEFAULT_K6_IMAGE = 'grafana/k6:2.2.0';

/** Kubernetes refuses a ConfigMap whose keys and values add up to more than 1 MiB. */
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;
/** Where the k6-operator mounts the script's ConfigMap in every pod (all its keys, as files). */
export const SCRIPT_MOUNT = '/test';
export const SCRIPT_FILE = 'script.js';
export const MANIFEST_FILE = 'manifest.json';
const RESULTS_MOUNT = '/results';

export interface K8sPlan {
  /** TestRun name; also prefixes the ConfigMap and claim names (DNS label). */
  readonly name: string;
  readonly namespace: string | undefined;
  readonly parallelism: number;
  /** The entry script bundled into one k6 script (distribute/bundle.ts). */
  readonly script: string;
  /** The seed manifest's JSON, which the script open()s through K6_MANIFEST. */
  readonly manifest: string;
  /** Environment for the runners (`K6_*` settings of the scenarios); K6_MANIFEST is set here. */
  readonly env: Readonly<Record<string, string>>;
  /** Names in `env` the initializer must not get: it only evaluates the options (secrets). */
  readonly secretNames?: ReadonlySet<string>;
  readonly image: string;
  readonly storage: string;
}

export interface K8sManifests {
  readonly testRun: TestRun;
  readonly yaml: string;
  readonly collectScript: string;
  /** What the ConfigMap's data counts against its 1 MiB limit. */
  readonly configMapBytes: number;
}

export function buildK8sManifests(plan: K8sPlan): K8sManifests {
  if (!/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/.test(plan.name)) {
    throw new UsageError(
      `--name: "${plan.name}" is not a valid Kubernetes name (lower-case letters, digits and '-', at most 42 characters)`,
    );
  }
  if (!Number.isInteger(plan.parallelism) || plan.parallelism < 1) {
    throw new UsageError(`--instances: expected a whole number of runners >= 1, received ${plan.parallelism}`);
  }
  // Both are text, so they go in `data` as they are (no base64 growth).
  const data = { [SCRIPT_FILE]: plan.script, [MANIFEST_FILE]: plan.manifest };
  const configMapBytes = configMapSize(data);
  if (configMapBytes > CONFIGMAP_LIMIT_BYTES) {
    throw new UsageError(
      `the ConfigMap would hold ${kib(configMapBytes)} (script ${kib(Buffer.byteLength(plan.script))}, seed manifest ${kib(Buffer.byteLength(plan.manifest))}); ` +
        `Kubernetes accepts at most ${kib(CONFIGMAP_LIMIT_BYTES)} (1 MiB)`,
      [
        'Seed fewer users for the distributed run (the manifest carries one token per user), or ship the files on a volume and use spec.script.volumeClaim.',
      ],
    );
  }
  const configMapName = `${plan.name}-script`;
  const claimName = `${plan.name}-results`;
  const metadata = (name: string) => ({
    name,
    ...(plan.namespace ? { namespace: plan.namespace } : {}),
    labels: { 'app.kubernetes.io/part-of': 'aclue-signoff-kit', 'aclue-kit/run': plan.name },
  });

  const testRun = testRunSchema.parse({
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: metadata(plan.name),
    spec: {
      parallelism: plan.parallelism,
      script: { configMap: { name: configMapName, file: SCRIPT_FILE } },
      // No shell reads these (ConfigMap scripts run k6 directly), so values must not contain spaces.
      arguments: [`--out`, `json=${RESULTS_MOUNT}/k6-raw.json.gz`, `--tag`, `testrun=${plan.name}`].join(' '),
      separate: false,
      runner: {
        image: plan.image,
        env: [
          ...settings(plan.env),
          { name: 'K6_SUMMARY_DIR', value: RESULTS_MOUNT },
          // Each runner's job name ("<name>-<i>") names its folder on the shared claim.
          { name: 'RUNNER_NAME', valueFrom: { fieldRef: { fieldPath: "metadata.labels['job-name']" } } },
        ],
        volumes: [{ name: 'results', persistentVolumeClaim: { claimName } }],
        volumeMounts: [{ name: 'results', mountPath: RESULTS_MOUNT, subPathExpr: '$(RUNNER_NAME)' }],
        metadata: { labels: { 'aclue-kit/run': plan.name } },
      },
      // The initializer runs `k6 inspect` on the script to size the run; the options depend on the
      // settings (duration, baseline rates), so it gets them too, and the same k6 image.
      initializer: {
        image: plan.image,
        env: settings(Object.fromEntries(Object.entries(plan.env).filter(([name]) => !plan.secretNames?.has(name)))),
      },
    },
  });

  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(configMapName),
    data,
  };
  const claim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: metadata(claimName),
    spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: plan.storage } } },
  };
  return {
    testRun,
    yaml: toYamlDocuments([configMap, claim, testRun]),
    collectScript: collectScript(plan, claimName),
    configMapBytes,
  };
}

/** The runners read the manifest from the mounted ConfigMap, wherever it was on this machine. */
function settings(env: Readonly<Record<string, string>>): { name: string; value: string }[] {
  const given = Object.entries(env).filter(([name]) => name !== 'K6_MANIFEST');
  return [
    ...given.map(([name, value]) => ({ name, value })),
    { name: 'K6_MANIFEST', value: `${SCRIPT_MOUNT}/${MANIFEST_FILE}` },
  ];
}

/** How the API server measures a ConfigMap: the bytes of every key and value of `data`. */
function configMapSize(data: Readonly<Record<string, string>>): number {
  return Object.entries(data).reduce((sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value), 0);
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

function collectScript(plan: K8sPlan, claimName: string): string {
  const ns = plan.namespace ? ` -n ${plan.namespace}` : '';
  const collector = `${plan.name}-collect`;
  const overrides = JSON.stringify({
    spec: {
      volumes: [{ name: 'results', persistentVolumeClaim: { claimName } }],
      containers: [
        {
          name: 'collect',
          image: 'busybox:1.36',
          command: ['sleep', '3600'],
          volumeMounts: [{ name: 'results', mountPath: '/results' }],
        },
      ],
    },
  });
  return [
    '#!/usr/bin/env bash',
    `# Runs the distributed test and collects every runner's raw output for one merged verify.`,
    'set -euo pipefail',
    'cd "$(dirname "$0")"',
    `kubectl${ns} apply -f manifests.yaml`,
    `kubectl${ns} wait --for=jsonpath='{.status.stage}'=finished testrun/${plan.name} --timeout=24h`,
    `kubectl${ns} run ${collector} --image=busybox:1.36 --restart=Never --overrides='${overrides}'`,
    `kubectl${ns} wait --for=condition=Ready pod/${collector} --timeout=5m`,
    `kubectl${ns} cp ${collector}:/results ./instances`,
    `kubectl${ns} delete pod ${collector} --wait=false`,
    `# one folder per runner (${plan.name}-1 … ${plan.name}-${plan.parallelism}); verify merges them:`,
    `(cd ../.. && npm run verify -- ${Array.from({ length: plan.parallelism }, (_, i) => `--run "reports/${plan.name}/instances/${plan.name}-${i + 1}"`).join(' ')})`,
    '',
  ].join('\n');
}
