/**
 * The demo's self-check: what each workload's alert produced, compared with what the fixture corpus
 * expects, as a table for the reader and a verdict for the exit status.
 */
import type { DiagnosisDocument } from '../src/diagnosis/document.ts';
import type { Paint } from './style.ts';
import type { DemoWorkload } from './workloads.ts';

export interface WorkloadOutcome {
  workload: DemoWorkload;
  /** The diagnosis document the check sink received, if any. */
  document?: DiagnosisDocument;
  /** Why there is no document (the webhook's answer, or the error that stopped the request). */
  failure?: string;
}

export type Verdict = 'as-expected' | 'misdiagnosed' | 'undelivered';

export function verdictOf(o: WorkloadOutcome): Verdict {
  if (o.document === undefined) return 'undelivered';
  return o.document.cause.id === o.workload.expectedCause ? 'as-expected' : 'misdiagnosed';
}

/** The table and a closing sentence; `ok` is false when any workload was misdiagnosed or undelivered. */
export function renderSummary(outcomes: readonly WorkloadOutcome[], paint: Paint): { text: string; ok: boolean } {
  const rows = outcomes.map((o) => ({
    workload: `${o.workload.namespace}/${o.workload.pod}`,
    expected: o.workload.expectedCause,
    diagnosed: o.document === undefined ? `not delivered: ${o.failure ?? 'no document arrived'}` : `${o.document.cause.id} (${o.document.cause.confidence})`,
    verdict: verdictOf(o),
  }));
  const header = { workload: 'workload', expected: 'expected cause', diagnosed: 'diagnosed cause' };
  const w1 = Math.max(header.workload.length, ...rows.map((r) => r.workload.length));
  const w2 = Math.max(header.expected.length, ...rows.map((r) => r.expected.length));
  const w3 = Math.max(header.diagnosed.length, ...rows.map((r) => r.diagnosed.length));
  const lines = [
    paint('bold', 'Summary'),
    paint('dim', `  ${header.workload.padEnd(w1)}  ${header.expected.padEnd(w2)}  ${header.diagnosed.padEnd(w3)}`),
    ...rows.map((r) => {
      const mark = r.verdict === 'as-expected' ? paint('green', '✓') : paint('red', '✗');
      return `  ${r.workload.padEnd(w1)}  ${r.expected.padEnd(w2)}  ${r.diagnosed.padEnd(w3)}  ${mark}`;
    }),
    '',
  ];
  const wrong = rows.filter((r) => r.verdict !== 'as-expected').length;
  if (wrong === 0) lines.push(paint('green', `All ${rows.length} workloads were diagnosed as expected.`));
  else lines.push(paint('red', `${wrong} of ${rows.length} workloads were not diagnosed as expected (✗ above).`));
  return { text: `${lines.join('\n')}\n`, ok: wrong === 0 };
}
