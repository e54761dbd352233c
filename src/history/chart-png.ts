/**
 * The memory chart as a PNG for Slack and email, rendered by resvg (@resvg/resvg-js: a Rust SVG
 * renderer shipped as a prebuilt binary in the npm package). Text uses DejaVu Sans from the
 * `dejavu-fonts-ttf` package, never system fonts: the container image has none, and the chart must
 * look the same everywhere.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import { CHART_WIDTH, chartSvg } from './chart-svg.ts';
import { bytesShort } from './sparkline.ts';

const require = createRequire(import.meta.url);
const FONTS = ['dejavu-fonts-ttf/ttf/DejaVuSans.ttf', 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'].map((f) => require.resolve(f));

export interface MemoryChart {
  png: Buffer;
  filename: string;
  /** For screen readers and clients that do not show images. */
  alt: string;
}

/** Rendered at twice the SVG's size, so it stays sharp on high-density screens. */
const SCALE = 2;

/** SVG → PNG in a short-lived worker thread (see png-worker.ts for why). */
export function renderPng(svg: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./png-worker.ts', import.meta.url), { workerData: { svg, width: CHART_WIDTH * SCALE, fonts: FONTS } });
    worker.once('message', (png: Uint8Array) => {
      resolve(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the chart renderer exited (${code}) without a PNG`)));
  });
}

/** One line under the title: what the history shows, cut to the chart's width. */
function subtitle(doc: DiagnosisDocument): string | undefined {
  const verdict = doc.memory?.verdict;
  if (verdict === undefined || verdict === '') return undefined;
  return verdict.length > 100 ? `${verdict.slice(0, 99)}…` : verdict;
}

/** The chart of a document's memory history, or undefined when it has none. */
export async function memoryChart(doc: DiagnosisDocument): Promise<MemoryChart | undefined> {
  const history = doc.memory;
  if (history === undefined || history.runs.length === 0) return undefined;
  const hours = Math.round((history.end - history.start) / 3600);
  const title = `${doc.target.namespace}/${doc.target.pod} · ${doc.target.container}: memory, last ${hours} h`;
  const caption = subtitle(doc);
  const values = history.runs.flatMap((r) => r.points.map((p) => p[1]));
  const alt = [
    `Memory of container ${doc.target.container} in ${doc.target.namespace}/${doc.target.pod} over the last ${hours} h`,
    `min ${bytesShort(Math.min(...values))}, max ${bytesShort(Math.max(...values))}`,
    history.limitBytes === undefined ? 'no limit' : `limit ${bytesShort(history.limitBytes)}`,
    `${history.kills.length} kill${history.kills.length === 1 ? '' : 's'}`,
    ...(doc.cause.detail === undefined ? [] : [doc.cause.detail]),
  ].join(', ');
  const ended = doc.cause.id === 'runtime-oom' ? 'out of memory' : 'OOM-killed';
  const svg = chartSvg(history, { title, ended, ...(caption === undefined ? {} : { subtitle: caption }) });
  return { png: await renderPng(svg), filename: `memory-${doc.target.pod}.png`, alt };
}
