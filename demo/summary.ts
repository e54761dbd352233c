/**
 * The demo's self-check: what each workload's alert produced, compared with what the fixture corpus
 * expects, as a table for the reader and a verdict for the exit status.
 */
import type { DiagnosisDocument } from '../src/diagnosis/document.ts';
import type { Paint } from './style.ts';
import type { DemoWorkload } from './workloads.ts';

export type WorkloadOutcome =
  /** The alert was posted; `failure` says why the service did not accept it (HTTP status, failed sinks). */
  | { kind: 'sent'; workload: DemoWorkload; document?: DiagnosisDocument; failure?: string }
  /** The demo did not post it, and why. */
  | { kind: 'not-sent'; workload: DemoWorkload; reason: string };

export type Verdict = 'as-expected' | 'misdiagnosed' | 'undelivered' | 'not-sent';

export function verdictOf(o: WorkloadOutcome): Verdict {
  if (o.kind === 'not-sent') return 'not-sent';
  if (o.failure !== undefined || o.document === undefined) return 'undelivered';
  return o.document.cause.id === o.workload.expectedCause ? 'as-expected' : 'misdiagnosed';
}

/** What went wrong, after the ✗. */
function note(o: WorkloadOutcome, verdict: Verdict): string {
  switch (verdict) {
    case 'as-expected':
      return '';
    case 'misdiagnosed':
      return 'misdiagnosed';
    case 'undelivered':
      return o.kind === 'sent' && o.failure !== undefined ? `not delivered: ${o.failure}` : 'no diagnosis document arrived';
    case 'not-sent':
      return o.kind === 'not-sent' ? `not sent: ${o.reason}` : 'not sent';
    default: {
      const never: never = verdict;
      throw new Error(`unexpected verdict ${String(never)}`);
    }
  }
}

/** The table and a closing sentence; `ok` is false when any workload was misdiagnosed, undelivered or not sent. */
export function renderSummary(outcomes: readonly WorkloadOutcome[], paint: Paint): { text: string; ok: boolean } {
  const rows = outcomes.map((o) => {
    const verdict = verdictOf(o);
    const doc = o.kind === 'sent' ? o.document : undefined;
    return {
      workload: `${o.workload.namespace}/${o.workload.pod}`,
      expected: o.workload.expectedCause,
      diagnosed: doc === undefined ? '—' : `${doc.cause.id} (${doc.cause.confidence})`,
      verdict,
      note: note(o, verdict),
    };
  });
  const header = { workload: 'workload', expected: 'expected cause', diagnosed: 'diagnosed cause' };
  const w1 = Math.max(header.workload.length, ...rows.map((r) => r.workload.length));
  const w2 = Math.max(header.expected.length, ...rows.map((r) => r.expected.length));
  const w3 = Math.max(header.diagnosed.length, ...rows.map((r) => r.diagnosed.length));
  const lines = [
    paint('bold', 'Summary'),
    paint('dim', `  ${header.workload.padEnd(w1)}  ${header.expected.padEnd(w2)}  ${header.diagnosed}`),
    ...rows.map((r) => {
      const mark = r.verdict === 'as-expected' ? paint('green', '✓') : paint('red', `✗ ${r.note}`);
      return `  ${r.workload.padEnd(w1)}  ${r.expected.padEnd(w2)}  ${r.diagnosed.padEnd(w3)}  ${mark}`;
    }),
    '',
  ];
  const count = (v: Verdict): number => rows.filter((r) => r.verdict === v).length;
  const wrong = rows.length - count('as-expected');
  if (wrong === 0) {
    lines.push(paint('green', `All ${rows.length} workloads were diagnosed as expected and delivered.`));
  } else {
    const parts = (['misdiagnosed', 'undelivered', 'not-sent'] as const).filter((v) => count(v) > 0).map((v) => `${count(v)} ${v.replace('-', ' ')}`);
    lines.push(paint('red', `${wrong} of ${rows.length} workloads not as expected: ${parts.join(', ')} (✗ above).`));
  }
  return { text: `${lines.join('\n')}\n`, ok: wrong === 0 };
}
