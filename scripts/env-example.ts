/**
 * `npm run env-example`: writes `.env.example` from the settings declared in lib/config.ts, so the
 * file cannot drift from what the kit reads (test/lib/settings-docs.test.ts fails when it does).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCommand } from '../lib/cli.ts';
import { renderEnvExample } from '../lib/config.ts';
import { repoRoot } from '../lib/paths.ts';

await runCommand(async () => {
  const file = path.join(repoRoot, '.env.example');
  writeFileSync(file, renderEnvExample());
  process.stdout.write(`wrote ${path.relative(process.cwd(), file) || file}\n`);
});
