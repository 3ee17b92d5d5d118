/**
 * Writes the three report files. Each goes to a temporary name beside its target and is renamed into
 * place, so a reader (or a crash) never sees half a file.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type ReportAssets, renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import type { Summary } from './summary-schema.ts';

export interface ReportFiles {
  readonly html: string;
  readonly summary: string;
  readonly junit: string;
}

export function writeAtomic(file: string, content: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, content);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

export function writeReport(outDir: string, summary: Summary, assets: ReportAssets): ReportFiles {
  mkdirSync(outDir, { recursive: true });
  const files = {
    html: path.join(outDir, 'index.html'),
    summary: path.join(outDir, 'summary.json'),
    junit: path.join(outDir, 'junit.xml'),
  };
  // Render everything first: a rendering error leaves no file changed.
  const html = renderHtml(summary, assets);
  const junit = renderJunit(summary);
  const json = `${JSON.stringify(summary, null, 2)}\n`;
  writeAtomic(files.summary, json);
  writeAtomic(files.junit, junit);
  writeAtomic(files.html, html);
  return files;
}
