/**
 * The diagnosis as Markdown (`crashtriage diagnose --output markdown`): for tickets, incident docs and
 * chat tools that render Markdown. Pure. Cluster text goes in code spans or fenced blocks, where
 * Markdown cannot reinterpret it.
 */
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import { alertTitle, escalationSteps, keyFacts, resolvedLine, statusWord } from './message-parts.ts';
import { oneLine, stripControl } from './text.ts';

/** A code span that survives backticks inside the value (CommonMark: a longer fence). */
function code(value: string): string {
  const text = oneLine(value);
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${longest > 0 ? ' ' : ''}${text}${longest > 0 ? ' ' : ''}${fence}`;
}

function fenced(text: string, info = ''): string[] {
  const body = stripControl(text).replace(/\n+$/, '');
  const longest = Math.max(2, ...[...body.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${info}`, body, fence];
}

/** Plain prose from the cluster: escape what Markdown would turn into markup. */
function prose(value: string): string {
  return oneLine(value).replace(/([\\`*_[\]<>#|])/g, '\\$1');
}

export function renderMarkdown(doc: DiagnosisDocument): string {
  const out: string[] = [`## ${statusWord(doc)}: ${prose(alertTitle(doc))}`, ''];
  if (doc.status === 'resolved') out.push(`_${resolvedLine(doc)}_`, '');
  out.push(prose(doc.cause.summary), '');
  out.push('| | |', '| --- | --- |');
  for (const f of keyFacts(doc)) out.push(`| ${f.label} | ${code(f.value)} |`);
  out.push('');
  if (doc.problems.length > 0) {
    out.push('**Could not read** (the diagnosis may be incomplete):', '');
    for (const p of doc.problems) out.push(`- ${p.source}: ${prose(p.message)}`);
    out.push('');
  }
  if (doc.evidence.length > 0) {
    out.push('### Proof', '');
    for (const e of doc.evidence) out.push(`- **${e.source}**: ${code(e.text)}`);
    out.push('');
  }
  if (doc.remedies.length > 0) {
    out.push('### Fix', '');
    for (const r of doc.remedies) out.push(`**${prose(r.title)}**`, '', ...fenced(r.commands.join('\n'), 'sh'), '');
  }
  if (doc.verify.length > 0) {
    out.push('### Verify', '');
    for (const v of doc.verify) out.push(`- ${code(v)}`);
    out.push('');
  }
  if (doc.logs !== undefined && doc.logs.excerpt.trim() !== '') {
    out.push(`### Log (${doc.logs.previous ? 'previous' : 'current'} container ${code(doc.logs.container)})`, '', ...fenced(doc.logs.excerpt), '');
  }
  if (doc.findings.length > 0) {
    out.push('### Also noticed', '');
    for (const f of doc.findings) out.push(`- ${prose(f.text)}`);
    out.push('');
  }
  if (doc.status === 'firing') {
    out.push('<details><summary>Escalation: what to collect</summary>', '');
    for (const step of escalationSteps(doc)) out.push(`- ${step.text}${step.command !== undefined ? `: ${code(step.command)}` : ''}`);
    out.push('', '</details>', '');
  }
  out.push(`_cause ${code(doc.cause.id)} · confidence ${doc.cause.confidence}_`);
  return `${out.join('\n')}\n`;
}
