/**
 * The email's HTML part: one centred table, inline styles only, no scripts, no external resources
 * (the one image, the memory chart, is a part of the mail itself, referenced by Content-ID), every
 * cluster-derived string HTML-escaped. Tables and inline styles are what Outlook,
 * Gmail and Apple Mail all render alike.
 */
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import { alertTitle, type EscalationStep, keyFacts, type Link, resolvedLine } from './message-parts.ts';
import { escapeHtml, formatTime, oneLine, stripControl } from './text.ts';

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const MONO = "font-family:Menlo,Consolas,'DejaVu Sans Mono',monospace";
const PRE = `${MONO};font-size:12px;line-height:1.45;background:#f6f8fa;border:1px solid #d0d7de;border-radius:4px;padding:8px 10px;margin:4px 0 10px;white-space:pre-wrap;word-break:break-all;color:#1f2328`;
const H2 = `${FONT};font-size:15px;font-weight:600;color:#1f2328;margin:18px 0 6px`;
const P = `${FONT};font-size:14px;line-height:1.5;color:#1f2328;margin:0 0 6px`;

const h = (s: string): string => escapeHtml(oneLine(s));
const pre = (s: string): string => `<pre style="${PRE}">${escapeHtml(stripControl(s).replace(/\n+$/, ''))}</pre>`;
const heading = (s: string): string => `<h2 style="${H2}">${escapeHtml(s)}</h2>`;
const list = (items: string[]): string =>
  `<ul style="${FONT};font-size:14px;line-height:1.5;color:#1f2328;margin:0 0 6px;padding-left:20px">${items.map((i) => `<li style="margin:2px 0">${i}</li>`).join('')}</ul>`;

export function renderEmailHtml(doc: DiagnosisDocument, parts: { links: Link[]; escalation: EscalationStep[]; chart?: { cid: string; alt: string } }): string {
  const resolved = doc.status === 'resolved';
  const colour = resolved ? '#1a7f37' : '#cf222e';
  const banner = resolved ? resolvedLine(doc) : 'FIRING';
  const body: string[] = [];

  body.push(`<p style="${P};font-size:16px"><strong>${h(alertTitle(doc))}</strong></p>`);
  if (doc.cause.summary.trim() !== '') body.push(`<p style="${P}">${resolved ? 'Was: ' : ''}${h(doc.cause.summary)}</p>`);

  const facts = [...keyFacts(doc), { label: 'Since', value: formatTime(doc.alert.startsAt) }];
  if (resolved && doc.alert.endsAt !== undefined) facts.push({ label: 'Ended', value: formatTime(doc.alert.endsAt) });
  body.push(
    `<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;table-layout:fixed;width:100%;margin:10px 0"><col style="width:92px"><col>${facts
      .map(
        (f) =>
          `<tr><td style="${FONT};font-size:13px;color:#656d76;padding:2px 16px 2px 0;vertical-align:top">${escapeHtml(f.label)}</td><td style="${MONO};font-size:13px;color:#1f2328;padding:2px 0;word-break:break-all">${escapeHtml(f.value)}</td></tr>`,
      )
      .join('')}</table>`,
  );

  // What could not be read comes before the diagnosis it weakens.
  if (doc.problems.length > 0) {
    body.push(
      `<div style="background:#fff8c5;border:1px solid #d4a72c;border-radius:4px;padding:8px 12px;margin:14px 0"><p style="${P};font-weight:600">Could not read (the diagnosis may be incomplete)</p>${list(doc.problems.map((p) => `${escapeHtml(p.source)}: ${h(p.message)}`))}</div>`,
    );
  }
  if (!resolved) {
    if (doc.evidence.length > 0)
      body.push(heading('Proof'), list(doc.evidence.map((e) => `<span style="color:#656d76">${escapeHtml(e.source)}:</span> ${h(e.text)}`)));
    if (parts.chart !== undefined)
      body.push(
        `<img src="cid:${escapeHtml(parts.chart.cid)}" alt="${escapeHtml(parts.chart.alt)}" width="560" style="display:block;width:100%;max-width:560px;height:auto;border:1px solid #d0d7de;border-radius:4px;margin:6px 0 10px">`,
      );
    if (doc.remedies.length > 0) {
      body.push(heading('Fix'));
      for (const r of doc.remedies) body.push(`<p style="${P}">${h(r.title)}</p>`, ...(r.commands.length > 0 ? [pre(r.commands.join('\n'))] : []));
    }
    if (doc.verify.length > 0) body.push(heading('Verify'), list(doc.verify.map(h)));
    if (doc.logs !== undefined && doc.logs.excerpt.trim() !== '') {
      const l = doc.logs;
      body.push(heading(`Log (${l.previous ? 'previous' : 'current'} container ${oneLine(l.container)}${l.truncated ? ', excerpt' : ''})`), pre(l.excerpt));
    }
    if (doc.findings.length > 0) body.push(heading('Also noticed'), list(doc.findings.map((f) => h(f.text))));
  }
  if (parts.escalation.length > 0) {
    body.push(heading('When to escalate'), `<p style="${P}">If the fix does not stop the restarts, collect:</p>`);
    body.push(
      list(
        parts.escalation.map((s) =>
          s.command === undefined
            ? h(s.text)
            : `${h(s.text)}<br><code style="${MONO};font-size:12px;background:#f6f8fa;padding:1px 4px;word-break:break-all">${escapeHtml(s.command)}</code>`,
        ),
      ),
    );
  }
  const linkHtml = parts.links.map((l) => `<a href="${escapeHtml(l.url)}" style="color:#0969da">${escapeHtml(l.text)}</a>`).join(' · ');
  const footer = `cause <code style="${MONO}">${escapeHtml(doc.cause.id)}</code> · confidence ${escapeHtml(doc.cause.confidence)} · alert ${h(doc.alert.name)}${linkHtml === '' ? '' : ` · ${linkHtml}`}`;

  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${h(alertTitle(doc))}</title></head>
<body style="margin:0;padding:0;background:#f6f8fa">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;background:#f6f8fa"><tr><td align="center" style="padding:16px 8px">
<table role="presentation" width="640" cellpadding="0" cellspacing="0" style="border-collapse:collapse;table-layout:fixed;max-width:640px;width:100%;background:#ffffff;border:1px solid #d0d7de;border-radius:6px">
<tr><td style="background:${colour};color:#ffffff;${FONT};font-size:13px;font-weight:700;letter-spacing:.04em;padding:8px 16px;border-radius:6px 6px 0 0">${escapeHtml(banner)}</td></tr>
<tr><td style="padding:12px 16px 16px;word-break:break-word;overflow-wrap:anywhere">
${body.join('\n')}
<p style="${FONT};font-size:12px;color:#656d76;margin:18px 0 0;border-top:1px solid #d0d7de;padding-top:8px">${footer}</p>
</td></tr></table>
</td></tr></table>
</body></html>
`;
}
