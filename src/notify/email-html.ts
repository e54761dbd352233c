/**
 * The email's HTML part, in message.ts's order (decision first, details after): one centred table,
 * inline styles, no scripts, no external resources (the one image, the memory chart, is a part of the
 * mail itself, referenced by Content-ID), every cluster-derived string HTML-escaped. Tables and inline styles are what Outlook, Gmail and Apple Mail all render alike.
 * Dark mode: clients that honour `prefers-color-scheme` get the dark palette from the one <style>
 * block; clients that invert colours themselves find a background set wherever a colour is.
 * Labels never wrap (nowrap); code wraps at spaces and after `/` `,` `=` `@`, never inside a name (see
 * codeText), so a 600 px or a phone's client shows a long kubectl line without a horizontal scroll.
 * `npm run screenshots` renders every cause's email in Chromium and checks all of this.
 */
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import type { Link } from './alert-links.ts';
import { lookStyle } from './look.ts';
import { buildMessage, type Message } from './message.ts';
import { escapeHtml, oneLine, stripControl } from './text.ts';

const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const MONO = "font-family:Menlo,Consolas,'DejaVu Sans Mono',monospace";
const INK = 'color:#1f2328';
const MUTED = 'color:#59636e';
const PRE = `${MONO};font-size:12px;line-height:1.45;background:#f6f8fa;border:1px solid #d0d7de;border-radius:4px;padding:8px 10px;margin:4px 0 10px;white-space:pre-wrap;word-break:normal;overflow-wrap:anywhere;${INK}`;
const H2 = `${FONT};font-size:15px;font-weight:600;${INK};margin:18px 0 6px`;
const P = `${FONT};font-size:14px;line-height:1.5;${INK};margin:0 0 6px`;

const BANNER: Record<'resolved' | 'still-failing', string> = { resolved: '#1a7f37', 'still-failing': '#9a6700' };

/** Dark palette for clients that support `prefers-color-scheme` in a <style> block (Apple Mail, Outlook.com, iOS). */
const DARK_STYLE = `<style>
:root { color-scheme: light dark; supported-color-schemes: light dark; }
@media (prefers-color-scheme: dark) {
  .ct-page { background:#0d1117 !important; }
  .ct-card, .ct-body { background:#161b22 !important; border-color:#30363d !important; }
  .ct-card p, .ct-card h2, .ct-card li, .ct-card td { color:#e6edf3 !important; }
  .ct-card .ct-muted { color:#9198a1 !important; }
  .ct-card pre, .ct-card code { background:#0d1117 !important; color:#e6edf3 !important; border-color:#30363d !important; }
  .ct-card a { color:#4493f8 !important; }
  .ct-warn { background:#272115 !important; border-color:#9e6a03 !important; }
}
</style>`;

const h = (s: string): string => escapeHtml(oneLine(s));
/**
 * Escaped code that wraps where a reader expects it: at spaces, and after `/`, `,`, `=` and `@` through
 * <wbr> (a soft break: what is copied does not change). Browsers also break after a hyphen, which
 * splits names like `payment-svc-7b9f6d` and flags like `-n` or `--limits` from what follows: a
 * hyphenated word or flag is an inline block, moved
 * whole to the next line, and broken inside only when it is longer than a line (as is a sha256
 * digest, by the code block's overflow-wrap) rather than widen the page. Clients that ignore
 * inline-block (Outlook for Windows) fall back to breaking at the hyphen.
 */
const codeText = (s: string): string =>
  escapeHtml(stripControl(s).replace(/\n+$/, ''))
    .replace(/([/,=@])(?=\S)/g, '$1<wbr>')
    .replace(/[\w.-]*-[\w.-]*/g, (word) => (word.length < 2 ? word : `<span style="display:inline-block;max-width:100%">${word}</span>`));
const pre = (s: string): string => `<pre style="${PRE}">${codeText(s)}</pre>`;
const heading = (s: string): string => `<h2 style="${H2}">${escapeHtml(s)}</h2>`;
const list = (items: string[]): string =>
  `<ul style="${FONT};font-size:14px;line-height:1.5;${INK};margin:0 0 6px;padding-left:20px">${items.map((i) => `<li style="margin:2px 0">${i}</li>`).join('')}</ul>`;
const label = (s: string): string => `<span class="ct-muted ct-label" style="${MUTED};white-space:nowrap">${escapeHtml(s)}</span>`;

function bannerOf(m: Message): { colour: string; text: string } {
  // The colour says what the reader must do (look.ts); the words also say how urgent (the alert's severity).
  if (m.resolution === undefined) {
    const look = lookStyle(m);
    return { colour: look.html, text: `FIRING · ${m.first.severity} · ${look.words}` };
  }
  const r = m.resolution;
  return { colour: BANNER[r.healthy ? 'resolved' : 'still-failing'], text: r.outcome === undefined ? r.line : `${r.line}: ${r.outcome}` };
}

export function renderEmailHtml(doc: DiagnosisDocument, options: { externalURL: string; chart?: { cid: string; alt: string } }): string {
  const m = buildMessage(doc, { externalURL: options.externalURL, chartShown: options.chart !== undefined });
  const { first, details: d } = m;
  const banner = bannerOf(m);
  const body: string[] = [];

  body.push(`<p style="${P};font-size:17px;font-weight:600">${h(first.header)}</p>`);
  if (first.deciding.length > 0) body.push(list(first.deciding.map((f) => `${label(`${f.label}:`)} ${h(f.text)}`)));
  if (first.state !== undefined) body.push(`<p class="ct-muted" style="${FONT};font-size:13px;${MUTED};margin:0 0 6px">${h(first.state)}</p>`);
  // The whole list, not the first screen's one line that quotes only the first problem.
  if (first.problems !== undefined)
    body.push(
      `<div class="ct-warn" style="background:#fff8c5;border:1px solid #d4a72c;border-radius:4px;padding:8px 12px;margin:10px 0"><p style="${P};font-weight:600">Could not read (the diagnosis may be incomplete):</p>${list(d.problems.map(h))}</div>`,
    );
  if (first.primaryFix !== undefined) {
    body.push(heading(`${first.fixLabel}: ${oneLine(first.primaryFix.title)}`));
    if (first.primaryFix.commands.length > 0) body.push(pre(first.primaryFix.commands.join('\n')));
  }
  const c = first.context;
  // The restarts are in the state line when there is one.
  const restarts = c.restarts === undefined || first.state !== undefined ? undefined : `${c.restarts} restarts`;
  const where = [c.severity, c.cluster, c.alertname, restarts].filter((s) => s !== undefined);
  body.push(
    `<p class="ct-muted" style="${FONT};font-size:13px;line-height:1.5;${MUTED};margin:8px 0">${where.map(h).join(' · ')} · confidence ${h(c.confidence)}${c.links.length === 0 ? '' : `<br>${linkHtml(c.links)}`}</p>`,
  );

  if (options.chart !== undefined && m.resolution === undefined)
    body.push(
      `<img src="cid:${escapeHtml(options.chart.cid)}" alt="${escapeHtml(options.chart.alt)}" width="560" style="display:block;width:100%;max-width:560px;height:auto;border:1px solid #d0d7de;border-radius:4px;margin:6px 0 10px">`,
    );
  body.push(heading('What happened'), `<p style="${P}">${h(d.summary)}</p>`);
  if (d.alertDescription !== undefined) body.push(`<p style="${P}">${label('Alert:')} ${h(d.alertDescription)}</p>`);
  body.push(
    `<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%;margin:10px 0">${d.facts
      .map(
        (f) =>
          `<tr><td class="ct-muted ct-label" style="${FONT};font-size:13px;${MUTED};padding:2px 16px 2px 0;vertical-align:top;white-space:nowrap;width:1%">${escapeHtml(f.label)}</td><td class="ct-value" style="${MONO};font-size:13px;${INK};padding:2px 0;overflow-wrap:anywhere">${codeText(f.value)}</td></tr>`,
      )
      .join('')}</table>`,
  );
  if (m.resolution === undefined) {
    if (d.moreProof.length > 0) body.push(heading('More proof'), list(d.moreProof.map((e) => `${label(`${e.source}:`)} ${h(e.text)}`)));
    if (d.otherFixes.length > 0) {
      body.push(heading('Other fixes'));
      for (const r of d.otherFixes) body.push(`<p style="${P}">${h(r.title)}</p>`, ...(r.commands.length > 0 ? [pre(r.commands.join('\n'))] : []));
    }
    if (d.verify.length > 0) body.push(heading('Verify'), list(d.verify.map(h)));
    if (d.log !== undefined) body.push(heading(d.log.title), pre(d.log.lines.join('\n')));
    if (d.findings.length > 0) body.push(heading('Also noticed'), list(d.findings.map(h)));
    if (d.escalation.length > 0) {
      body.push(heading('When to escalate'), `<p style="${P}">If nothing above stops the restarts, collect:</p>`);
      body.push(
        list(
          d.escalation.map((s) =>
            s.command === undefined
              ? h(s.text)
              : `${h(s.text)}<br><code style="${MONO};font-size:12px;background:#f6f8fa;${INK};padding:1px 4px;overflow-wrap:anywhere">${codeText(s.command)}</code>`,
          ),
        ),
      );
    }
  }

  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark"><title>${h(first.header)}</title>
${DARK_STYLE}</head>
<body class="ct-page" style="margin:0;padding:0;background:#f6f8fa">
<table role="presentation" class="ct-page" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;background:#f6f8fa"><tr><td align="center" style="padding:16px 8px">
<table role="presentation" class="ct-card" width="600" cellpadding="0" cellspacing="0" style="border-collapse:collapse;max-width:600px;width:100%;background:#ffffff;border:1px solid #d0d7de;border-radius:6px">
<tr><td style="background:${banner.colour};color:#ffffff;${FONT};font-size:13px;font-weight:700;letter-spacing:.03em;padding:8px 16px;border-radius:6px 6px 0 0">${h(banner.text)}</td></tr>
<tr><td class="ct-body" style="padding:12px 16px 16px;background:#ffffff;overflow-wrap:anywhere">
${body.join('\n')}
</td></tr></table>
</td></tr></table>
</body></html>
`;
}

function linkHtml(links: Link[]): string {
  return links.map((l) => `<a href="${escapeHtml(l.url)}" style="color:#0969da">${escapeHtml(l.text)}</a>`).join(' · ');
}
