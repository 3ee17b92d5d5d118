/**
 * `npm run docs`: rewrites the files generated from declarations (`generatedFiles` in
 * lib/commands.ts): `.env.example` and the README's settings table (settings, lib/config.ts), the
 * README's command table and docs/seed.md's flag table (commands, lib/commands.ts), so none can drift
 * from what the kit does; test/cli/commands.test.ts fails when one does.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseCommand, runCommand } from '../lib/cli.ts';
import { commands, generatedFiles } from '../lib/commands.ts';
import { repoRoot } from '../lib/paths.ts';

await runCommand(async () => {
  parseCommand(commands.docs, process.argv.slice(2));
  for (const [name, render] of Object.entries(generatedFiles)) {
    const file = path.join(repoRoot, name);
    const current = readFileSync(file, 'utf8');
    const next = render(current);
    if (next === current) continue;
    writeFileSync(file, next);
    process.stdout.write(`wrote ${name}\n`);
  }
});
