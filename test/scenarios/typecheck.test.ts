import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exec } from '../../lib/exec.ts';
import { repoRoot } from '../../lib/paths.ts';

describe('scenarios typecheck', () => {
  it('tsc -p scenarios passes against @types/k6 (k6 only strips types, so this is the only type check they get)', async () => {
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const nodeBin = path.join(repoRoot, 'node_modules', 'node', 'bin', 'node');
    const result = await exec(nodeBin, [tsc, '-p', 'scenarios', '--noEmit'], { cwd: repoRoot, timeoutMs: 110_000 });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
