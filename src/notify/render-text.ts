/**
 * The diagnosis as terminal text: the console sink, the CLI (`crashtriage diagnose --output text`) and
 * the plain-text part of the email. Pure. Control characters from the cluster are stripped so a log
 * line cannot drive the reader's terminal; colour is opt-in (the caller knows whether it is a TTY).
 */
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import { alertTitle, keyFacts, resolvedLine, statusWord } from './message-parts.ts';
import { formatTime, oneLine, stripControl } from './text.ts';

export interface TextRenderOptions {
  color: boolean;
}

const ANSI = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', cyan: '36' } as const;

export function renderText(doc: DiagnosisDocument, options: TextRenderOptions): string {
  const paint = (style: keyof typeof ANSI, s: string): string => (options.color ? `\u001b[${ANSI[style]}m${s}\u001b[0m` : s);
  const heading = (s: string): string => paint('bold', s);
  const clean = (s: string): string => oneLine(s);
  const out: string[] = [];

  const status = statusWord(doc);
  out.push(`${paint(status === 'FIRING' ? 'red' : 'green', `[${status}]`)} ${paint('bold', alertTitle(doc))}`);
  if (doc.status === 'resolved') out.push(resolvedLine(doc));
  if (doc.cause.summary.trim() !== '') out.push(clean(doc.cause.summary));
  out.push('');

  const facts = keyFacts(doc);
  const width = Math.max(...facts.map((f) => f.label.length));
  for (const f of facts) out.push(`  ${paint('dim', f.label.padEnd(width))}  ${f.value}`);
  out.push(`  ${paint('dim', 'Since'.padEnd(width))}  ${formatTime(doc.alert.startsAt)}`);

  if (doc.problems.length > 0) {
    out.push('', paint('yellow', 'Could not read (the diagnosis may be incomplete)'));
    for (const p of doc.problems) out.push(`  - ${p.source}: ${clean(p.message)}`);
  }
  if (doc.evidence.length > 0) {
    out.push('', heading('Proof'));
    for (const e of doc.evidence) out.push(`  - [${e.source}] ${clean(e.text)}`);
  }
  if (doc.remedies.length > 0) {
    out.push('', heading('Fix'));
    for (const r of doc.remedies) {
      out.push(`  ${clean(r.title)}`);
      for (const c of r.commands) for (const line of stripControl(c).split('\n')) out.push(`    ${paint('cyan', line)}`);
    }
  }
  if (doc.verify.length > 0) {
    out.push('', heading('Verify'));
    for (const v of doc.verify) out.push(`  - ${clean(v)}`);
  }
  if (doc.logs !== undefined && doc.logs.excerpt.trim() !== '') {
    const { container, previous, truncated } = doc.logs;
    out.push('', heading(`Log (${previous ? 'previous' : 'current'} container ${clean(container)}${truncated ? ', excerpt' : ''})`));
    for (const line of stripControl(doc.logs.excerpt).replace(/\n+$/, '').split('\n')) out.push(`  | ${line}`);
  }
  if (doc.findings.length > 0) {
    out.push('', heading('Also noticed'));
    for (const f of doc.findings) out.push(`  - ${clean(f.text)}`);
  }
  out.push('', paint('dim', `cause ${doc.cause.id} · confidence ${doc.cause.confidence} · alert ${clean(doc.alert.name)}`));
  return `${out.join('\n')}\n`;
}
