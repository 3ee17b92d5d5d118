/** uPlot's minified script and stylesheet, read from node_modules when the report is built. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EnvironmentError } from '../../lib/errors.ts';
import type { ReportAssets } from './html.ts';

export function readReportAssets(): ReportAssets {
  try {
    const require = createRequire(import.meta.url);
    const dist = path.dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));
    return {
      uplotJs: readFileSync(path.join(dist, 'uPlot.iife.min.js'), 'utf8'),
      uplotCss: readFileSync(path.join(dist, 'uPlot.min.css'), 'utf8'),
    };
  } catch (error) {
    throw new EnvironmentError(`the chart library uplot is not installed (${(error as Error).message})`, [
      'Run `npm install` in the kit.',
    ]);
  }
}
