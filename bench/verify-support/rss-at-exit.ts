/**
 * Preloaded into the verify process by `npm run bench -- verify` (`--import`): writes the process's
 * peak resident set size (kB, VmHWM) and CPU seconds (user + system, all threads) to BENCH_RSS_FILE
 * at exit, so the bench measures verify alone.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    const cpu = process.cpuUsage();
    writeFileSync(
      file,
      JSON.stringify({
        rssKb: hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS,
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
      }),
    );
  });
}
