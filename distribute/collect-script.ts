/**
 * `collect.sh`, written beside the manifests: checks the storage class, applies (server-side),
 * waits for the TestRun to finish or fail within a bounded time, copies every runner's output,
 * completes each runner's load.json from its pod, and runs one merged verify with the shipped seed
 * run. `collect.sh cleanup` deletes what it applied.
 *
 * Must know: kubectl is polled with plain `get -o jsonpath` (no `wait --for=jsonpath`, which
 * kubectl before 1.25 refuses on a field not yet set), and the script runs in any folder: it
 * resolves its own, and the kit's through KIT_DIR (default: where distribute ran).
 */
import { RESULTS_MOUNT } from './k8s.ts';
import { type AccessMode, casePatterns } from './storage.ts';

export interface CollectScriptInput {
  readonly name: string;
  readonly namespace: string | undefined;
  readonly parallelism: number;
  readonly kitDir: string;
  readonly seedRunId: string | undefined;
  readonly accessMode: AccessMode;
  readonly storageClass: string | undefined;
  readonly names: {
    readonly configMap: string;
    readonly secret: string;
    readonly claim: string;
    readonly collector: string;
  };
  /** The run's own length; the default timeout adds a margin for scheduling and image pulls. */
  readonly durationSeconds: number;
}

/** Written by distribute/watch-database.ts once the statistics are reset: collect.sh applies after it. */
export const WATCH_READY_FILE = '.watching';
/** What collect.sh adds to the run's length before it gives up waiting. */
const TIMEOUT_MARGIN_SECONDS = 30 * 60;
/** How long a pod may stay Pending (unschedulable, claim unbound, image pulling) before collect.sh stops. */
const PENDING_TIMEOUT_SECONDS = 10 * 60;
/** Waiting reasons that never resolve by themselves (ErrImagePull may be a passing fault: its back-off is not). */
const STUCK_REASONS = [
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
];
const FIELD_MANAGER = 'aclue-signoff-kit';

/** Single-quoted for bash. */
function q(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export function collectScript(input: CollectScriptInput): string {
  const { name, names, accessMode } = input;
  const ns = input.namespace ? ` -n ${q(input.namespace)}` : '';
  const { offers, lacks } = casePatterns(accessMode);
  const runners = Array.from({ length: input.parallelism }, (_, i) => `${name}-${i + 1}`);
  const defaultTimeout = input.durationSeconds + TIMEOUT_MARGIN_SECONDS;
  return `#!/usr/bin/env bash
# shellcheck disable=SC2001,SC2046,SC2086 # pod names are DNS labels (split on purpose); sed indents
# Runs the k6-operator TestRun "${name}" (${input.parallelism} runners) and judges it with one merged verify.
#
#   ./collect.sh [--timeout DURATION] [--pending-timeout DURATION] [--poll SECONDS] [--replace]
#   ./collect.sh cleanup      deletes the TestRun, its claim, ConfigMap, Secret and collector pod
#
# --timeout          give up when the TestRun is neither finished nor failed after this long
#                    (default ${defaultTimeout}s: the run's ${input.durationSeconds}s and ${TIMEOUT_MARGIN_SECONDS / 60} minutes for scheduling and image pulls)
# --pending-timeout  give up when a pod stays Pending this long (default ${PENDING_TIMEOUT_SECONDS}s)
# --poll             seconds between checks (default 10)
# --replace          delete an earlier run under this name (cluster objects and collected results) first
# Durations: seconds, or a number with s, m or h. Environment: KUBECTL (default kubectl),
# KIT_DIR (the kit's checkout, default the one that wrote this file).
# Exit: verify's code once collected (1 NO-GO; \`npm run verify -- --help\` lists them); 2 a bad argument;
# 3 the cluster or the run failed (the message says which, with the operator's reason and the pods' events).
set -euo pipefail
NAME=${q(name)}
HERE="$(cd "$(dirname "$0")" && pwd)"
KIT_DIR="\${KIT_DIR:-}"
[[ -n "$KIT_DIR" ]] || KIT_DIR=${q(input.kitDir)}
KUBECTL="\${KUBECTL:-kubectl}"
MODE=${q(accessMode)}
CLASS=${q(input.storageClass ?? '')}
SEED_RUN=${q(input.seedRunId ?? '')}
RUNNERS=(${runners.map(q).join(' ')})

k() { "$KUBECTL"${ns} "$@"; }
say() { echo "collect.sh: $*"; }
fail() { echo "collect.sh: $*" >&2; exit 3; }
usage() {
  echo "collect.sh: $*" >&2
  echo "usage: ./collect.sh [--timeout DURATION] [--pending-timeout DURATION] [--poll SECONDS] [--replace] | ./collect.sh cleanup" >&2
  exit 2
}
seconds() {
  local n="$1" unit=1
  case "$n" in *h) unit=3600 n="\${n%h}" ;; *m) unit=60 n="\${n%m}" ;; *s) n="\${n%s}" ;; esac
  [[ "$n" =~ ^[0-9]+$ ]] || return 1
  echo $((n * unit))
}

cleanup() {
  say "deleting TestRun $NAME, its claim (the runners' output in the cluster), ConfigMap, Secret and collector"
  k delete pod/${names.collector} testrun/"$NAME" pvc/${names.claim} configmap/${names.configMap} secret/${names.secret} --ignore-not-found
}

# The operator's conditions, then each pod's last events and log lines; exits 3.
diagnose() {
  local why="$1"
  shift
  {
    echo "collect.sh: TestRun $NAME: $why"
    local conditions
    conditions="$(k get testrun "$NAME" -o jsonpath='{range .status.conditions[*]}{.type}={.status} {.reason}: {.message}{"\\n"}{end}' 2>/dev/null || true)"
    if [[ -n "$conditions" ]]; then
      echo "  the operator's conditions:"
      sed 's/^/    /' <<<"$conditions"
    fi
    local pod
    for pod in "$@" ${names.claim}; do
      echo "  $pod, last events:"
      k get events --field-selector "involvedObject.name=$pod" -o jsonpath='{range .items[*]}{.reason}: {.message}{"\\n"}{end}' 2>/dev/null | tail -n 5 | sed 's/^/    /' || true
      [[ "$pod" == ${names.claim} ]] && continue
      echo "  $pod, last log lines:"
      k logs "$pod" --tail=10 2>&1 | sed 's/^/    /' || true
    done
    echo "  Everything is left in the cluster to inspect; ./collect.sh cleanup removes it."
  } >&2
  exit 3
}

# Exits 3 when the claim's class does not exist or is known to lack the access mode.
check_storage() {
  local classes name provisioner default class="" of="" offering=""
  classes="$(k get storageclass -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.provisioner}{"\\t"}{.metadata.annotations.storageclass\\.kubernetes\\.io/is-default-class}{"\\n"}{end}')" ||
    fail "cannot list the cluster's storage classes (kubectl get storageclass); is kubectl pointed at the right cluster?"
  while IFS=$'\\t' read -r name provisioner default; do
    [[ -n "$name" ]] || continue
    [[ "$(supports "$provisioner")" == yes ]] && offering+=" $name"
    if [[ -n "$CLASS" && "$name" == "$CLASS" ]] || [[ -z "$CLASS" && "$default" == true ]]; then
      class="$name"
      of="$provisioner"
    fi
  done <<<"$classes"
  offering="\${offering:- (none the kit knows of)}"
  if [[ -z "$class" && -n "$CLASS" ]]; then
    fail "storage class \\"$CLASS\\" (distribute --storage-class) does not exist in this cluster. Classes known to offer $MODE:$offering"
  elif [[ -z "$class" ]]; then
    fail "the cluster has no default storage class, and distribute was given no --storage-class. Classes known to offer $MODE:$offering"
  fi
  case "$(supports "$of")" in
  no) fail "storage class \\"$class\\" ($of) does not offer $MODE, which the results claim needs: the runners would stay Pending. Classes known to offer it:$offering. Run distribute again with --storage-class NAME (or --access-mode ReadWriteOnce on a single-node cluster)" ;;
  unknown) say "storage class \\"$class\\" uses $of, whose access modes the kit does not know; going ahead (if the runners stay Pending, the claim's events will say why)" ;;
  esac
}
supports() {
  case "$1" in
${offers ? `  ${offers}) echo yes ;;\n` : ''}${lacks ? `  ${lacks}) echo no ;;\n` : ''}  *) echo unknown ;;
  esac
}

# Refuses a name that already has results, unless --replace.
check_fresh() {
  local existing old=""
  existing="$(k get testrun "$NAME" --ignore-not-found -o name)" || fail "cannot read TestRuns (kubectl get testrun); is the k6-operator installed?"
  [[ -n "$existing" ]] && old+=" TestRun $NAME exists in the cluster (its stage would be returned at once);"
  [[ -e "$HERE/instances" || -e "$HERE/report" ]] && old+=" $HERE holds collected results;"
  [[ -z "$old" ]] && return 0
  if [[ "$REPLACE" == 1 ]]; then
    say "replacing the earlier run:$old"
    cleanup
    rm -rf "$HERE/instances" "$HERE/instances.partial" "$HERE/report" "$HERE/db-watch"
  else
    fail "$NAME was run before:$old run ./collect.sh --replace to delete it and run again, or write the files under a new --name"
  fi
}

# Polls until the TestRun's stage is finished; exits 3 on error, a stuck pod or the timeout.
wait_for_finish() {
  local started=$SECONDS pending_since="" stage pods pod phase waiting pending
  while true; do
    stage="$(k get testrun "$NAME" -o jsonpath='{.status.stage}')" || fail "cannot read TestRun $NAME"
    [[ "$stage" == finished ]] && return 0
    pods="$(k get pods -l "aclue-kit/run=$NAME" -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\t"}{.status.containerStatuses[*].state.waiting.reason}{"\\n"}{end}')" || fail "cannot list the pods of $NAME"
    if [[ "$stage" == error ]]; then
      diagnose "the operator stopped the run (stage error)" $(cut -f1 <<<"$pods")
    fi
    pending=""
    while IFS=$'\\t' read -r pod phase waiting; do
      [[ -n "$pod" ]] || continue
      case " $waiting " in
      ${STUCK_REASONS.map((r) => `*" ${r} "*`).join('|')}) diagnose "pod $pod cannot run ($waiting)" "$pod" ;;
      esac
      [[ "$phase" == Pending ]] && pending+=" $pod"
    done <<<"$pods"
    if [[ -n "$pending" ]]; then
      pending_since="\${pending_since:-$SECONDS}"
      if ((SECONDS - pending_since >= PENDING_TIMEOUT)); then
        diagnose "pods still Pending after \${PENDING_TIMEOUT}s (stage \\"\${stage:-not set}\\"):$pending" $pending
      fi
    else
      pending_since=""
    fi
    if ((SECONDS - started >= TIMEOUT)); then
      diagnose "neither finished nor failed within \${TIMEOUT}s (stage \\"\${stage:-not set}\\")" $(cut -f1 <<<"$pods")
    fi
    sleep "$POLL"
  done
}

# Copies each runner's folder of the claim to $HERE/instances through a collector pod (folder by
# folder: a block volume's root may hold a lost+found the collector cannot read).
collect() {
  local runner
  k apply --server-side --field-manager=${FIELD_MANAGER} -f "$HERE/collector.yaml" >/dev/null
  k wait --for=condition=Ready pod/${names.collector} --timeout=5m >/dev/null || diagnose "the collector pod did not start" ${names.collector}
  rm -rf "$HERE/instances.partial"
  mkdir -p "$HERE/instances.partial"
  for runner in "\${RUNNERS[@]}"; do
    if ! k cp "${names.collector}:${RESULTS_MOUNT}/$runner" "$HERE/instances.partial/$runner" >/dev/null 2>&1; then
      say "runner $runner left nothing on the claim"
    fi
  done
  k delete pod/${names.collector} --wait=false >/dev/null
  mv "$HERE/instances.partial" "$HERE/instances"
}

# load.json of one runner: distribute's plan with what its pod tells: fill TEMPLATE OUT STARTED FINISHED EXIT
fill() {
  local template="$1" out="$2" started="$3" finished="$4" code="$5" expr=(-e 's/^//')
  [[ -n "$started" ]] && expr+=(-e "s/\\"startedAt\\": null/\\"startedAt\\": \\"$started\\"/")
  [[ -n "$finished" ]] && expr+=(-e "s/\\"finishedAt\\": null/\\"finishedAt\\": \\"$finished\\"/")
  [[ "$code" =~ ^[0-9]+$ ]] && expr+=(-e "s/\\"exitCode\\": null/\\"exitCode\\": $code/")
  sed "\${expr[@]}" "$template" >"$out.partial"
  mv "$out.partial" "$out"
}

# The database watched around the run, as \`npm run load\` does (distribute/watch-database.ts):
# statistics reset before the apply, connections sampled until the run has finished.
WATCH_PID=""
start_watch() {
  rm -rf "$HERE/db-watch"
  (cd "$KIT_DIR" && exec node_modules/node/bin/node --import tsx distribute/watch-database.ts "$HERE/db-watch") >"$HERE/db-watch.log" 2>&1 &
  WATCH_PID=$!
  local tries=0
  until [[ -e "$HERE/db-watch/${WATCH_READY_FILE}" ]]; do
    if ! kill -0 "$WATCH_PID" 2>/dev/null || ((++tries > 300)); then
      stop_watch
      say "the database is not watched (see $HERE/db-watch.log); verify's database gates will say what that leaves unjudged"
      return 0
    fi
    sleep 0.2
  done
}
stop_watch() {
  [[ -n "$WATCH_PID" ]] || return 0
  kill -TERM "$WATCH_PID" 2>/dev/null || true
  wait "$WATCH_PID" 2>/dev/null || true
  WATCH_PID=""
}
trap stop_watch EXIT

cmd=run
if [[ $# -gt 0 && "$1" != -* ]]; then
  cmd="$1"
  shift
fi
TIMEOUT=${defaultTimeout}
PENDING_TIMEOUT=${PENDING_TIMEOUT_SECONDS}
POLL=10
REPLACE=0
while [[ $# -gt 0 ]]; do
  case "$1" in
  --timeout) TIMEOUT="$(seconds "\${2:-}")" || usage "--timeout: expected a duration such as 90m or 2h, received \\"\${2:-}\\""; shift 2 ;;
  --pending-timeout) PENDING_TIMEOUT="$(seconds "\${2:-}")" || usage "--pending-timeout: expected a duration such as 10m, received \\"\${2:-}\\""; shift 2 ;;
  --poll) [[ "\${2:-}" =~ ^[0-9]+(\\.[0-9]+)?$ ]] || usage "--poll: expected seconds between checks, received \\"\${2:-}\\""; POLL="$2"; shift 2 ;;
  --replace) REPLACE=1; shift ;;
  -h | --help) sed -n '3,/^set -euo/{/^set -euo/d;s/^# \\{0,1\\}//;p;}' "$0"; exit 0 ;;
  *) usage "unexpected argument \\"$1\\"" ;;
  esac
done
command -v "$KUBECTL" >/dev/null || fail "kubectl not found (KUBECTL=$KUBECTL); it needs 1.23 or later, pointed at the cluster with the k6-operator"
case "$cmd" in
cleanup) cleanup; exit 0 ;;
run) ;;
*) usage "unknown command \\"$cmd\\"" ;;
esac

check_storage
check_fresh
start_watch
say "applying $HERE/manifests.yaml (server-side)"
k apply --server-side --field-manager=${FIELD_MANAGER} -f "$HERE/manifests.yaml" >/dev/null
say "waiting for TestRun $NAME (at most \${TIMEOUT}s; a pod Pending for \${PENDING_TIMEOUT}s stops it)"
wait_for_finish
stop_watch
collect
# Like a local run's, the database's files go with the first instance.
mkdir -p "$HERE/instances/\${RUNNERS[0]}"
for file in "$HERE/db-watch"/*; do
  if [[ -e "$file" ]]; then mv "$file" "$HERE/instances/\${RUNNERS[0]}/"; fi
done
rm -rf "$HERE/db-watch"

# Each runner's pod: its exit code and when its k6 ran, into its load.json.
states="$(k get pods -l "aclue-kit/run=$NAME,aclue-kit/role=runner" -o jsonpath='{range .items[*]}{.metadata.labels.job-name}{"\\t"}{.metadata.name}{"\\t"}{.status.containerStatuses[0].state.terminated.exitCode}{"\\t"}{.status.containerStatuses[0].state.terminated.startedAt}{"\\t"}{.status.containerStatuses[0].state.terminated.finishedAt}{"\\n"}{end}')"
args=()
[[ -n "$SEED_RUN" ]] && args+=(--seed-run "$SEED_RUN")
for runner in "\${RUNNERS[@]}"; do
  dir="$HERE/instances/$runner"
  mkdir -p "$dir"
  IFS=$'\\t' read -r _ pod code started finished < <(awk -F '\\t' -v r="$runner" '$1 == r' <<<"$states") || true
  fill "$HERE/load-plan/$runner.json" "$dir/load.json" "\${started:-}" "\${finished:-}" "\${code:-}"
  if [[ -z "\${code:-}" ]]; then
    say "runner $runner: no exit code (its pod is gone); its load.json says so"
  elif [[ "$code" == 99 ]]; then
    say "runner $runner exited 99: thresholds crossed on its own share; the merged verify judges the whole run"
  elif [[ "$code" != 0 ]]; then
    say "runner $runner exited $code; its last log lines:"
    k logs "$pod" --tail=10 2>&1 | sed 's/^/    /' || true
  fi
  [[ -e "$dir/k6-raw.json.gz" ]] || say "runner $runner wrote no k6-raw.json.gz; verify will say what that leaves unjudged"
  args+=(--run "$dir")
  unset pod code started finished
done
args+=(--out "$HERE/report")
say "npm run verify -- \${args[*]}"
set +e
npm --prefix "$KIT_DIR" run --silent verify -- "\${args[@]}"
code=$?
set -e
exit "$code"
`;
}
