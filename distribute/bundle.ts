/**
 * One plain-JavaScript k6 script from an entry script (`scenarios/<profile>.ts`) and every local
 * module it imports, made with esbuild. The k6-operator runners bring their own k6 image, so the kit
 * ships only this script: it never builds, downloads or links k6 (AGPL-3.0), and needs none to run.
 *
 * Must know: `k6` and `k6/*` stay imports (the runner's k6 provides them); anything else must be a
 * local file, which esbuild inlines, or the build fails (platform 'neutral' knows no `node:*`).
 * Files the script reads with `open()` are not followed: the caller ships them beside it.
 */
import path from 'node:path';
import { type BuildFailure, type BuildResult, build, type Message } from 'esbuild';
import { EnvironmentError } from '../lib/errors.ts';

/** What the runners' k6 resolves itself; everything else is inlined. */
export const K6_EXTERNALS = ['k6', 'k6/*'] as const;

/** A conservative target: esbuild lowers newer syntax (class fields, `??=`) to what any current k6 parses. */
export const K6_TARGET = 'es2020';

export interface K6Bundle {
  /** The script, ESM, types stripped. */
  readonly code: string;
  /** Module specifiers the script still imports, as esbuild's metafile lists them. */
  readonly imports: readonly { readonly path: string; readonly external: boolean }[];
  /** Names the script exports (the entry's options, setup, handleSummary and journeys). */
  readonly exports: readonly string[];
  /** Local source files inlined, relative to `root`. */
  readonly inputs: readonly string[];
  /** esbuild's warnings, one line each ("file:line: text"). */
  readonly warnings: readonly string[];
}

/**
 * Bundles `entry` (relative to `root`). Throws EnvironmentError naming the first failures when the
 * sources do not build (a syntax error, an import that is neither local nor k6).
 */
export async function bundleK6Script(root: string, entry: string): Promise<K6Bundle> {
  const outfile = `${path.basename(entry).replace(/\.[cm]?[jt]s$/, '')}.js`;
  let result: BuildResult<{ write: false; metafile: true }>;
  try {
    result = await build({
      absWorkingDir: root,
      entryPoints: [entry],
      outfile,
      write: false,
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: K6_TARGET,
      external: [...K6_EXTERNALS],
      metafile: true,
      // Kept readable: a person reviews the ConfigMap before applying it.
      minify: false,
      logLevel: 'silent',
      banner: { js: `// ${entry} and its local imports, bundled by \`npm run distribute\` (esbuild) for k6.` },
    });
  } catch (error) {
    const failure = error as Partial<BuildFailure>;
    if (!Array.isArray(failure.errors)) throw error;
    const shown = failure.errors.slice(0, 3).map(formatMessage);
    throw new EnvironmentError(
      `esbuild could not bundle ${entry} into one k6 script (local files inlined, only k6 and k6/* left as imports): ${shown.join(' | ')}${failure.errors.length > 3 ? ` (and ${failure.errors.length - 3} more)` : ''}`,
      ['The entry script or a module it imports does not build; `npm run typecheck:k6` names the file.'],
    );
  }
  const [file] = result.outputFiles;
  const output = result.metafile.outputs[outfile];
  if (!file || !output)
    throw new Error(
      `esbuild wrote no ${outfile} for ${entry} (outputs: ${Object.keys(result.metafile.outputs).join(', ')})`,
    );
  const imports = output.imports.map(({ path: specifier, external }) => ({
    path: specifier,
    external: external === true,
  }));
  // Cannot happen with the options above; checked because a runner would fail on it only at start.
  const foreign = imports.filter((i) => !i.external || !isK6Module(i.path));
  if (foreign.length > 0) {
    throw new Error(
      `the bundle of ${entry} imports ${foreign.map((i) => i.path).join(', ')}; expected only k6 and k6/* modules`,
    );
  }
  return {
    code: file.text,
    imports,
    exports: output.exports,
    inputs: Object.keys(result.metafile.inputs),
    warnings: result.warnings.map(formatMessage),
  };
}

/** True for the specifiers a k6 runner resolves itself. */
export function isK6Module(specifier: string): boolean {
  return specifier === 'k6' || specifier.startsWith('k6/');
}

function formatMessage(message: Message): string {
  const where = message.location ? `${message.location.file}:${message.location.line}: ` : '';
  return `${where}${message.text}`;
}
