/**
 * The memory charts of the demo's OOM workloads, written as PNG files (the picture Slack's thread and
 * the email carry) into a fresh temporary directory, and the lines that name them.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryChart } from '../src/history/chart-png.ts';
import type { Paint } from './style.ts';
import type { WorkloadOutcome } from './summary.ts';

export async function writeMemoryCharts(outcomes: readonly WorkloadOutcome[], paint: Paint): Promise<string> {
  const docs = outcomes.flatMap((o) => (o.kind === 'sent' && o.document?.memory !== undefined ? [o.document] : []));
  if (docs.length === 0) return '';
  const dir = await mkdtemp(join(tmpdir(), 'crashtriage-demo-'));
  const lines = [paint('bold', 'Memory charts (from the memory history, as Slack and email show them)')];
  for (const doc of docs) {
    const chart = await memoryChart(doc);
    if (chart === undefined) continue;
    const path = join(dir, chart.filename);
    await writeFile(path, chart.png);
    lines.push(`  ${doc.target.namespace}/${doc.target.pod}: ${doc.cause.detail ?? 'no single pattern'} → ${paint('cyan', path)}`);
  }
  return `\n${lines.join('\n')}\n`;
}
