/**
 * The diagnosis as terminal text: the console sink, the CLI (`crashtriage diagnose --output text`) and
 * the plain-text part of the email. Pure; the order is message.ts's (decision first, details after).
 * Control characters from the cluster are stripped so a log line cannot drive the reader's terminal;
 * colour is opt-in (the caller knows whether it is a TTY).
 */
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import { lookStyle } from './look.ts';
import { buildMessage, type Severity } from './message.ts';
import { oneLine, stripControl } from './text.ts';

export interface TextRenderOptions {
  color: boolean;
  /** Alertmanager's externalURL, for the links; without it only the alert's own links are shown. */
  externalURL?: string;
}

const ANSI = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', blue: '34', cyan: '36' } as const;
const SEVERITY_COLOUR: Record<Severity, keyof typeof ANSI> = { critical: 'red', warning: 'yellow', info: 'blue' };

export function renderText(doc: DiagnosisDocument, options: TextRenderOptions): string {
  const paint = (style: keyof typeof ANSI, s: string): string => (options.color ? `\u001b[${ANSI[style]}m${s}\u001b[0m` : s);
  const heading = (s: string): string => paint('bold', s);
  const m = buildMessage(doc, { externalURL: options.externalURL ?? '' });
  const { first, details: d } = m;
  const out: string[] = [];

  const status =
    m.resolution === undefined ? paint(SEVERITY_COLOUR[first.severity], '[FIRING]') : paint(m.resolution.healthy ? 'green' : 'yellow', '[RESOLVED]');
  out.push(`${status} ${paint('bold', first.header)}`);
  if (m.resolution !== undefined) out.push(`${m.resolution.line}${m.resolution.outcome === undefined ? '' : `: ${m.resolution.outcome}`}`);
  for (const f of first.deciding) out.push(`${f.label}: ${f.text}`);
  if (first.problems !== undefined) out.push(paint('yellow', first.problems));
  if (first.state !== undefined) out.push(first.state);
  if (first.primaryFix !== undefined) {
    out.push('', heading(`${first.fixLabel}: ${oneLine(first.primaryFix.title)}`));
    for (const c of first.primaryFix.commands) for (const line of stripControl(c).split('\n')) out.push(`    ${paint('cyan', line)}`);
  }
  const c = first.context;
  // The restarts are in the state line when there is one.
  const restarts = c.restarts === undefined || first.state !== undefined ? undefined : `${c.restarts} restarts`;
  const where = [c.severity, c.cluster, c.alertname, restarts].filter((s) => s !== undefined);
  out.push(
    '',
    paint('dim', `${lookStyle(m).words} · ${where.join(' · ')} · pod ${c.pod} · container ${c.container} · cause ${c.causeId} · confidence ${c.confidence}`),
  );
  for (const l of c.links) out.push(paint('dim', `${l.text}: ${l.url}`));

  out.push('', heading('What happened'), `  ${d.summary}`);
  if (d.alertDescription !== undefined) out.push(`  Alert: ${d.alertDescription}`);
  const width = Math.max(...d.facts.map((f) => f.label.length));
  for (const f of d.facts) out.push(`  ${paint('dim', f.label.padEnd(width))}  ${f.value}`);
  if (d.problems.length > 0) {
    out.push('', paint('yellow', 'Could not read (the diagnosis may be incomplete)'));
    for (const p of d.problems) out.push(`  - ${p}`);
  }
  if (d.moreProof.length > 0) {
    out.push('', heading('More proof'));
    for (const e of d.moreProof) out.push(`  - [${e.source}] ${oneLine(e.text)}`);
  }
  if (d.otherFixes.length > 0) {
    out.push('', heading('Other fixes'));
    for (const r of d.otherFixes) {
      out.push(`  ${oneLine(r.title)}`);
      for (const cmd of r.commands) for (const line of stripControl(cmd).split('\n')) out.push(`    ${paint('cyan', line)}`);
    }
  }
  if (d.verify.length > 0) {
    out.push('', heading('Verify'));
    for (const v of d.verify) out.push(`  - ${oneLine(v)}`);
  }
  if (d.log !== undefined) {
    out.push('', heading(d.log.title));
    for (const line of d.log.lines) out.push(`  | ${stripControl(line)}`);
  }
  if (d.findings.length > 0) {
    out.push('', heading('Also noticed'));
    for (const f of d.findings) out.push(`  - ${oneLine(f)}`);
  }
  if (d.escalation.length > 0) {
    out.push('', heading('When to escalate: if nothing above stops the restarts, collect'));
    for (const s of d.escalation) out.push(s.command === undefined ? `  - ${s.text}` : `  - ${s.text}: ${s.command}`);
  }
  return `${out.join('\n')}\n`;
}
