/**
 * k6-operator manifests for one distributed run: the k6 archive in a ConfigMap, a volume claim the
 * runners write their raw output to (one sub-folder per runner), and the TestRun itself.
 *
 * Must know: every runner evaluates thresholds and prints a summary of its own share only; the
 * global verdict comes from `npm run verify -- --run <folder>...` over the collected raw outputs.
 * Runners still run the scenarios' `setup()`, which only probes the target (no writes), so N
 * runners have no N-fold setup side effects.
 */
import { UsageError } from '../lib/errors.ts';
import { testRunSchema, type TestRun } from './testrun-schema.ts';
import { toYamlDocuments } from './yaml.ts';

/** A ConfigMap holds at most 1 MiB (etcd's object limit). */
export const CONFIGMAP_LIMIT_BYTES = 1024 * 1024;
const RESULTS_MOUNT = '/results';

export interface K8sPlan {
  /** TestRun name; also prefixes the ConfigMap and claim names (DNS label). */
  readonly name: string;
  readonly namespace: string | undefined;
  readonly parallelism: number;
  /** `k6 archive` of the entry script (script, modules and the seed manifest it opens). */
  readonly archive: Uint8Array;
  /** Environment for the runners (`K6_*` settings of the scenarios). */
  readonly env: Readonly<Record<string, string>>;
  readonly image: string;
  readonly storage: string;
}

export interface K8sManifests {
  readonly testRun: TestRun;
  readonly yaml: string;
  readonly collectScript: string;
}

export function buildK8sManifests(plan: K8sPlan): K8sManifests {
  if (!/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/.test(plan.name)) {
    throw new UsageError(`--name: "${plan.name}" is not a valid Kubernetes name (lower-case letters, digits and '-', at most 42 characters)`);
  }
  if (!Number.isInteger(plan.parallelism) || plan.parallelism < 1) {
    throw new UsageError(`--instances: expected a whole number of runners >= 1, received ${plan.parallelism}`);
  }
  if (plan.archive.byteLength > CONFIGMAP_LIMIT_BYTES * 0.75) {
    // base64 grows the archive by a third; the ConfigMap must stay under 1 MiB
    throw new UsageError(`the k6 archive is ${(plan.archive.byteLength / 1024).toFixed(0)} KiB; base64 in a ConfigMap exceeds the 1 MiB limit`, [
      'Seed fewer users for the distributed run, or put the archive on a volume and use spec.script.volumeClaim.',
    ]);
  }
  const configMapName = `${plan.name}-archive`;
  const claimName = `${plan.name}-results`;
  const metadata = (name: string) => ({ name, ...(plan.namespace ? { namespace: plan.namespace } : {}), labels: { 'app.kubernetes.io/part-of': 'aclue-signoff-kit', 'aclue-kit/run': plan.name } });

  const testRun = testRunSchema.parse({
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: metadata(plan.name),
    spec: {
      parallelism: plan.parallelism,
      script: { configMap: { name: configMapName, file: 'archive.tar' } },
      // No shell reads these (ConfigMap scripts run k6 directly), so values must not contain spaces.
      arguments: [`--out`, `json=${RESULTS_MOUNT}/k6-raw.json.gz`, `--tag`, `testrun=${plan.name}`].join(' '),
      separate: false,
      runner: {
        image: plan.image,
        env: [
          ...Object.entries(plan.env).map(([name, value]) => ({ name, value })),
          { name: 'K6_SUMMARY_DIR', value: RESULTS_MOUNT },
          // Each runner's job name ("<name>-<i>") names its folder on the shared claim.
          { name: 'RUNNER_NAME', valueFrom: { fieldRef: { fieldPath: "metadata.labels['job-name']" } } },
        ],
        volumes: [{ name: 'results', persistentVolumeClaim: { claimName } }],
        volumeMounts: [{ name: 'results', mountPath: RESULTS_MOUNT, subPathExpr: '$(RUNNER_NAME)' }],
        metadata: { labels: { 'aclue-kit/run': plan.name } },
      },
    },
  });

  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(configMapName),
    binaryData: { 'archive.tar': Buffer.from(plan.archive).toString('base64') },
  };
  const claim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: metadata(claimName),
    spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: plan.storage } } },
  };
  return { testRun, yaml: toYamlDocuments([configMap, claim, testRun]), collectScript: collectScript(plan, claimName) };
}

function collectScript(plan: K8sPlan, claimName: string): string {
  const ns = plan.namespace ? ` -n ${plan.namespace}` : '';
  const collector = `${plan.name}-collect`;
  const overrides = JSON.stringify({
    spec: {
      volumes: [{ name: 'results', persistentVolumeClaim: { claimName } }],
      containers: [{ name: 'collect', image: 'busybox:1.36', command: ['sleep', '3600'], volumeMounts: [{ name: 'results', mountPath: '/results' }] }],
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
