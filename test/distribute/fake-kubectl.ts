/**
 * A stand-in `kubectl` for collect.sh: a small Node program that plays a TestRun's stages from a
 * table (one row per stage query, the last repeating) and answers the other queries collect.sh
 * makes (storage classes, pods, conditions, events, logs, cp) from the same table. Every call is
 * logged, so a test can tell what collect.sh applied, deleted and asked.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { nodeBin } from '../support/run-script.ts';

export interface FakePod {
  readonly name: string;
  readonly phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  readonly role: 'initializer' | 'starter' | 'runner';
  /** The Job's name (`<run>-<i>` for runner i). */
  readonly job: string;
  readonly waiting?: string;
  readonly exitCode?: number;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

export interface FakeCluster {
  readonly storageClasses: readonly { name: string; provisioner: string; default?: boolean }[];
  /** A TestRun of this name is already in the cluster before collect.sh applies anything. */
  readonly existing?: boolean;
  /** What each successive stage query sees; the last row repeats. */
  readonly steps: readonly { readonly stage: string; readonly pods: readonly FakePod[] }[];
  readonly conditions?: readonly { type: string; status: string; reason: string; message: string }[];
  readonly events?: Readonly<Record<string, readonly string[]>>;
  readonly logs?: Readonly<Record<string, string>>;
  /** The claim's content (one folder per runner), which `kubectl cp` from the collector copies. */
  readonly resultsDir?: string;
  /**
   * Runner processes the stand-in starts when the manifests are applied, runner i at index i-1: the
   * stage stays "started" until all have exited, and their exit codes and times replace the table's.
   */
  readonly play?: readonly {
    readonly argv: readonly string[];
    readonly env: Record<string, string>;
    readonly cwd: string;
  }[];
}

const PROGRAM = String.raw`
const fs = require('node:fs');
const dir = process.env.FAKE_KUBE_DIR;
const cluster = JSON.parse(fs.readFileSync(dir + '/cluster.json', 'utf8'));
const stateFile = dir + '/state.json';
const state = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : { step: -1, exists: !!cluster.existing };
let args = process.argv.slice(2);
fs.appendFileSync(dir + '/calls.log', JSON.stringify(args) + '\n');
const ns = args.indexOf('-n');
if (ns >= 0) args.splice(ns, 2);
const out = (text) => process.stdout.write(text);
const save = () => fs.writeFileSync(stateFile, JSON.stringify(state));
const played = () => (cluster.play || []).map((_, i) => {
  const file = dir + '/runner-' + (i + 1) + '.exit';
  return fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : undefined;
});
const playing = () => state.started && played().some((c) => c === undefined);
// Kubernetes writes times to the second.
const k8sTime = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const withPlayed = (pods) => {
  if (!cluster.play) return pods;
  const codes = played();
  let k = 0;
  return pods.map((p) => {
    if (p.role !== 'runner') return p;
    const i = ++k;
    const exit = dir + '/runner-' + i + '.exit';
    return codes[i - 1] === undefined
      ? p
      : { ...p, exitCode: codes[i - 1], startedAt: k8sTime(state.startedAt), finishedAt: k8sTime(fs.statSync(exit).mtimeMs) };
  });
};
const step = () => {
  const row = cluster.steps[Math.max(0, Math.min(state.step, cluster.steps.length - 1))];
  return { ...row, pods: withPlayed(row.pods) };
};
const flag = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const output = flag('-o') || '';
const [verb, kind, name] = args;
if (verb === 'get' && kind === 'storageclass') {
  for (const c of cluster.storageClasses) out(c.name + '\t' + c.provisioner + '\t' + (c.default ? 'true' : '') + '\n');
} else if (verb === 'get' && kind === 'testrun' && output === 'name') {
  if (state.exists) out('testrun.k6.io/' + name + '\n');
} else if (verb === 'get' && kind === 'testrun' && output.includes('.status.stage')) {
  if (!state.exists) { process.stderr.write('Error from server (NotFound): testruns.k6.io "' + name + '" not found\n'); process.exit(1); }
  // While the played runners run, the TestRun stays started.
  if (playing()) { out('started'); process.exit(0); }
  state.step++;
  save();
  out(step().stage);
} else if (verb === 'get' && kind === 'testrun' && output.includes('conditions')) {
  for (const c of cluster.conditions || []) out(c.type + '=' + c.status + ' ' + c.reason + ': ' + c.message + '\n');
} else if (verb === 'get' && kind === 'pods') {
  const selector = flag('-l') || '';
  const pods = step().pods;
  if (selector.includes('aclue-kit/role=runner')) {
    for (const p of pods.filter((p) => p.role === 'runner'))
      out([p.job, p.name, p.exitCode ?? '', p.startedAt ?? '', p.finishedAt ?? ''].join('\t') + '\n');
  } else {
    for (const p of pods) out([p.name, p.phase, p.waiting ?? ''].join('\t') + '\n');
  }
} else if (verb === 'get' && kind === 'events') {
  const who = (flag('--field-selector') || '').replace('involvedObject.name=', '');
  for (const line of (cluster.events || {})[who] || []) out(line + '\n');
} else if (verb === 'logs') {
  out((cluster.logs || {})[kind] || '');
} else if (verb === 'apply') {
  if (!args.includes('--server-side')) { process.stderr.write('the stand-in takes server-side applies only\n'); process.exit(1); }
  if (flag('-f').endsWith('manifests.yaml')) {
    state.exists = true;
    state.step = -1;
    (cluster.play || []).forEach((runner, i) => {
      const exit = dir + '/runner-' + (i + 1) + '.exit';
      const log = fs.openSync(dir + '/runner-' + (i + 1) + '.log', 'w');
      const child = require('node:child_process').spawn(
        'bash',
        ['-c', '"$@"; echo $? > "$0.partial" && mv "$0.partial" "$0"', exit, ...runner.argv],
        { cwd: runner.cwd, env: runner.env, detached: true, stdio: ['ignore', log, log] },
      );
      child.unref();
    });
    state.started = !!cluster.play;
    state.startedAt = Date.now();
    save();
  }
} else if (verb === 'wait') {
  if (args.some((a) => a.startsWith('--for=jsonpath'))) { process.stderr.write('error: jsonpath wait on an unset field\n'); process.exit(1); }
} else if (verb === 'cp') {
  // <collector>:/results/<folder> DEST: that folder of the claim
  const folder = cluster.resultsDir && cluster.resultsDir + '/' + kind.split(':/results/')[1];
  if (!folder || !fs.existsSync(folder)) { process.stderr.write('tar: no such file or directory\n'); process.exit(1); }
  fs.cpSync(folder, name, { recursive: true });
} else if (verb === 'delete') {
  if (args.some((a) => a.startsWith('testrun/'))) { state.exists = false; save(); }
} else {
  process.stderr.write('stand-in kubectl: unexpected call ' + JSON.stringify(args) + '\n');
  process.exit(64);
}
`;

/** Writes the stand-in as `<dir>/bin/kubectl` with its table; returns the bin folder and a reader of its calls. */
export function fakeKubectl(dir: string, cluster: FakeCluster): { bin: string; env: Record<string, string> } {
  const bin = path.join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(dir, 'cluster.json'), JSON.stringify(cluster));
  const file = path.join(bin, 'kubectl');
  writeFileSync(file, `#!${nodeBin}\n${PROGRAM}`);
  chmodSync(file, 0o755);
  return { bin, env: { FAKE_KUBE_DIR: dir } };
}
