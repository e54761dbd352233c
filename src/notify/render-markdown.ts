/**
 * The diagnosis as Markdown (`crashtriage diagnose --output markdown`): for tickets, incident docs and
 * chat tools that render Markdown. Pure. Cluster text goes in code spans or fenced blocks, where
 * Markdown cannot reinterpret it.
 */
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import { lookStyle } from './look.ts';
import { buildMessage } from './message.ts';
import { oneLine, stripControl } from './text.ts';

/** A code span that survives backticks inside the value (CommonMark: a longer fence). */
function code(value: string): string {
  const text = oneLine(value);
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${longest > 0 ? ' ' : ''}${text}${longest > 0 ? ' ' : ''}${fence}`;
}

/**
 * A table cell: a code span with every `|` escaped, since GitHub-flavoured Markdown splits a row at
 * each unescaped `|`, inside code spans too (GFM spec, "Tables"); the renderer drops the backslash.
 */
function cell(value: string): string {
  return code(value).replaceAll('|', '\\|');
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

export function renderMarkdown(doc: DiagnosisDocument, externalURL = ''): string {
  const m = buildMessage(doc, { externalURL });
  const { first, details: d } = m;
  const out: string[] = [`## ${m.resolution === undefined ? 'FIRING' : 'RESOLVED'}: ${prose(first.header)}`, ''];
  if (m.resolution !== undefined) out.push(`_${prose(m.resolution.line)}${m.resolution.outcome === undefined ? '' : `: ${prose(m.resolution.outcome)}`}_`, '');
  for (const f of first.deciding) out.push(`**${f.label}:** ${code(f.text)}  `);
  if (first.problems !== undefined) out.push(`**${prose(first.problems)}**`);
  if (first.state !== undefined) out.push(prose(first.state));
  out.push('');
  if (first.primaryFix !== undefined)
    out.push(`**${first.fixLabel}: ${prose(first.primaryFix.title)}**`, '', ...fenced(first.primaryFix.commands.join('\n'), 'sh'), '');
  const c = first.context;
  // The restarts are in the state line when there is one.
  const restarts = c.restarts === undefined || first.state !== undefined ? undefined : `${c.restarts} restarts`;
  const where = [c.severity, c.cluster, c.alertname, restarts].filter((s) => s !== undefined);
  const linkList = c.links.map((l) => `[${l.text}](<${l.url.replace(/[<>]/g, encodeURIComponent)}>)`);
  out.push(`_${[...where.map(prose), `pod ${code(c.pod)}`, `${lookStyle(m).words}, confidence ${prose(c.confidence)}`, ...linkList].join(' · ')}_`, '');

  out.push('### What happened', '', prose(d.summary), '');
  if (d.alertDescription !== undefined) out.push(`Alert: ${prose(d.alertDescription)}`, '');
  out.push('| | |', '| --- | --- |');
  for (const f of d.facts) out.push(`| ${prose(f.label)} | ${cell(f.value)} |`);
  out.push('');
  if (d.problems.length > 0) {
    out.push('**Could not read** (the diagnosis may be incomplete):', '');
    for (const p of d.problems) out.push(`- ${prose(p)}`);
    out.push('');
  }
  if (d.moreProof.length > 0) {
    out.push('### More proof', '');
    for (const e of d.moreProof) out.push(`- **${e.source}**: ${code(e.text)}`);
    out.push('');
  }
  if (d.otherFixes.length > 0) {
    out.push('### Other fixes', '');
    for (const r of d.otherFixes) out.push(`**${prose(r.title)}**`, '', ...fenced(r.commands.join('\n'), 'sh'), '');
  }
  if (d.verify.length > 0) {
    out.push('### Verify', '');
    for (const v of d.verify) out.push(`- ${code(v)}`);
    out.push('');
  }
  if (d.log !== undefined) out.push(`### ${prose(d.log.title)}`, '', ...fenced(d.log.lines.join('\n')), '');
  if (d.findings.length > 0) {
    out.push('### Also noticed', '');
    for (const f of d.findings) out.push(`- ${prose(f)}`);
    out.push('');
  }
  if (d.escalation.length > 0 && m.resolution === undefined) {
    out.push('<details><summary>Escalation: what to collect</summary>', '');
    for (const step of d.escalation) out.push(`- ${step.text}${step.command !== undefined ? `: ${code(step.command)}` : ''}`);
    out.push('', '</details>', '');
  }
  return `${out.join('\n')}\n`;
}
