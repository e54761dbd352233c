/**
 * The message as a Microsoft Teams Adaptive Card, version 1.4, for a Workflows webhook ("Post to a
 * channel when a webhook request is received"). message.ts decides what; this only formats. Pure.
 *
 * - The header is a TextBlock coloured by severity (a card has no colour strip); the proof, the fix and
 *   its command, a FactSet and the links as `Action.OpenUrl` buttons come first.
 * - Text from the cluster goes in RichTextBlock TextRuns, which Teams shows as they are (no Markdown);
 *   the few fields that are Markdown (header, fact values) are escaped.
 * - The details (what happened, other fixes, verify, log, findings) follow in the same card, each
 *   section only while the whole post stays under `TEAMS_POST_MAX_BYTES`; Teams refuses a webhook
 *   post of about 28 KB with 413 (learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/
 *   how-to/connectors-using, "message size limit"). No images: a card fetches nothing.
 * - No update and no thread: a resolve is a new, short card that says what the check found.
 */
import type { DiagnosisDocument, Remedy } from '../diagnosis/document.ts';
import { shortExcerpt } from './log-lines.ts';
import { lookStyle } from './look.ts';
import { buildMessage, type Message } from './message.ts';
import { oneLine, stripControl, truncate } from './text.ts';

/** What the whole POST body (the envelope and its card) stays under, in UTF-8 bytes: 4 KB below where Teams answers 413. */
export const TEAMS_POST_MAX_BYTES = 24 * 1024;

export type CardElement = Record<string, unknown>;

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  version: '1.4';
  /** What a client that cannot show the card shows, and the notification text. */
  fallbackText: string;
  body: CardElement[];
  actions?: CardElement[];
}

/** The envelope a Workflows webhook's template flow reads its card from (`attachments[0].content`). */
export interface TeamsMessage {
  type: 'message';
  attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive'; contentUrl: null; content: AdaptiveCard }];
}

export interface TeamsRenderOptions {
  /** Alertmanager's externalURL, for the Alertmanager and silence links. */
  externalURL: string;
}

/** Caps on the first part, so that it alone always fits with room for the details. */
const HEADER_MAX = 200;
const DECIDING_SHOWN = 12;
const FIX_COMMANDS_MAX_CHARS = 3000;
const LINE_MAX = 600;
const FACT_MAX = 260;
const SECTION_ITEMS = 12;
const SHORT_LOG_LINES = 10;

/**
 * Markdown that Teams reads in TextBlock and Fact values, escaped with backslashes (CommonMark: any
 * ASCII punctuation may be escaped); `-`, `.` and digits stay, so names read as names.
 */
export function escapeTeamsMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>~#|]/g, (c) => `\\${c}`);
}

const clean = (s: string, max = LINE_MAX): string => truncate(oneLine(s), max);

interface RunStyle {
  weight?: 'Bolder';
  fontType?: 'Monospace';
  color?: string;
  isSubtle?: boolean;
  italic?: boolean;
}

const run = (text: string, style: RunStyle = {}): CardElement => ({ type: 'TextRun', text: text === '' ? ' ' : text, ...style });

function rich(inlines: CardElement[], options: { spacing?: string; separator?: boolean } = {}): CardElement {
  return { type: 'RichTextBlock', inlines, ...options };
}

/** "Label: text", the label bold, the text as it is. */
const labelled = (label: string, text: string, style: RunStyle = {}): CardElement => rich([run(`${label}: `, { weight: 'Bolder' }), run(text, style)]);

const heading = (text: string, separator = false): CardElement =>
  rich([run(text, { weight: 'Bolder' })], { spacing: 'Medium', ...(separator ? { separator: true } : {}) });

/** Monospace lines in a shaded container, one RichTextBlock a line (a TextRun does not keep line breaks in every client). */
function codeBlock(lines: readonly string[]): CardElement {
  return {
    type: 'Container',
    style: 'emphasis',
    spacing: 'Small',
    items: lines.map((line, i) =>
      rich([run(truncate(stripControl(line).replace(/\t/g, '  '), LINE_MAX), { fontType: 'Monospace' })], i === 0 ? {} : { spacing: 'None' }),
    ),
  };
}

function commandLines(commands: readonly string[], max: number): string[] {
  const lines = commands.flatMap((c) => stripControl(c).split('\n'));
  const out: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length > max) {
      out.push(`… ${lines.length - out.length} more line${lines.length - out.length === 1 ? '' : 's'} (in the email and the webhook document)`);
      break;
    }
    out.push(line);
    used += line.length;
  }
  return out;
}

function fixElements(r: Remedy, label: string | undefined, maxChars: number): CardElement[] {
  const title = clean(r.title);
  const head = label === undefined ? rich([run(title, { weight: 'Bolder' })]) : labelled(label, title);
  return r.commands.length === 0 ? [head] : [head, codeBlock(commandLines(r.commands, maxChars))];
}

const bullets = (items: readonly string[]): CardElement[] => {
  const shown = items.slice(0, SECTION_ITEMS).map((item, i) => rich([run(`• ${clean(item)}`)], i === 0 ? {} : { spacing: 'None' }));
  const more = items.length - SECTION_ITEMS;
  return more > 0 ? [...shown, rich([run(`… ${more} more (in the email and the webhook document)`, { isSubtle: true })], { spacing: 'None' })] : shown;
};

function factSet(m: Message, doc: DiagnosisDocument): CardElement {
  const c = m.first.context;
  const owner = doc.target.owner;
  const facts: { title: string; value: string }[] = [
    { title: 'Workload', value: `${doc.target.namespace}/${owner === undefined ? doc.target.pod : `${owner.kind.toLowerCase()}/${owner.name}`}` },
    { title: 'Pod', value: c.pod },
    { title: 'Container', value: c.container },
  ];
  if (c.restarts !== undefined) facts.push({ title: 'Restarts', value: String(c.restarts) });
  if (c.cluster !== undefined) facts.push({ title: 'Cluster', value: c.cluster });
  facts.push({ title: 'Alert', value: `${c.alertname} (${c.severity})` });
  facts.push({ title: 'Cause', value: `${c.causeId}, ${lookStyle(m).words}, confidence ${c.confidence}` });
  return { type: 'FactSet', spacing: 'Medium', facts: facts.map((f) => ({ title: f.title, value: escapeTeamsMarkdown(clean(f.value, FACT_MAX)) })) };
}

function actions(m: Message): CardElement[] {
  return m.first.context.links.map((l) => ({ type: 'Action.OpenUrl', title: l.text, url: l.url }));
}

function headerBlock(text: string, colour: string): CardElement {
  return { type: 'TextBlock', text: escapeTeamsMarkdown(truncate(oneLine(text), HEADER_MAX)), size: 'Large', weight: 'Bolder', color: colour, wrap: true };
}

/** Header, deciding fact, what could not be read, the primary fix, the facts: what every reader sees. */
function firstElements(m: Message, doc: DiagnosisDocument): CardElement[] {
  const f = m.first;
  const look = lookStyle(m);
  // The header's mark and colour say what the reader must do (look.ts); the facts say how urgent.
  const out: CardElement[] = [headerBlock(`${look.mark} ${f.header}`, look.teams)];
  const deciding = f.deciding.slice(0, DECIDING_SHOWN);
  for (const d of deciding) out.push(labelled(d.label, clean(d.text), d.source === 'logs' ? { fontType: 'Monospace' } : {}));
  if (f.deciding.length > deciding.length)
    out.push(rich([run(`… ${f.deciding.length - deciding.length} more lines`, { isSubtle: true })], { spacing: 'None' }));
  if (f.problems !== undefined) out.push(rich([run(`⚠ ${clean(f.problems)}`, { color: 'Warning' })]));
  if (f.state !== undefined) out.push(rich([run(clean(f.state), { isSubtle: true })], { spacing: 'Small' }));
  if (f.primaryFix !== undefined) out.push(...fixElements(f.primaryFix, f.fixLabel, FIX_COMMANDS_MAX_CHARS));
  out.push(factSet(m, doc));
  return out;
}

interface Section {
  name: string;
  /** Longest first; the first that fits is used. */
  versions: CardElement[][];
}

function detailSections(m: Message): Section[] {
  const d = m.details;
  const section = (name: string, title: string, elements: CardElement[]): Section[] =>
    elements.length === 0 ? [] : [{ name, versions: [[heading(title), ...elements]] }];
  const out: Section[] = [
    { name: 'what happened', versions: [[heading('What happened', true), rich([run(clean(d.summary, 1500))], { spacing: 'Small' })]] },
    ...section('what could not be read', 'Could not read (the diagnosis may be incomplete)', bullets(d.problems)),
    ...section(
      'other fixes',
      'Other fixes',
      d.otherFixes.slice(0, 4).flatMap((r) => fixElements(r, undefined, 1200)),
    ),
    ...section('verify steps', 'Verify', bullets(d.verify)),
  ];
  if (d.log !== undefined) {
    const said = m.first.deciding.filter((x) => x.source === 'logs').map((x) => x.text);
    const full = d.log.lines.length <= 40 ? d.log.lines : shortExcerpt(d.log.lines, 40, said);
    const short = shortExcerpt(d.log.lines, SHORT_LOG_LINES, said);
    out.push({ name: 'log excerpt', versions: [full, short].map((lines) => [heading(clean(d.log?.title ?? 'Log')), codeBlock(lines)]) });
  }
  out.push(...section('findings', 'Also noticed', bullets(d.findings)));
  const steps = d.escalation.map((s) => (s.command === undefined ? s.text : `${s.text}: ${s.command}`));
  out.push(...section('escalation', 'When to escalate: if nothing above stops the restarts, collect', bullets(steps)));
  return out;
}

export const postBytes = (message: TeamsMessage | AdaptiveCard): number => Buffer.byteLength(JSON.stringify(message), 'utf8');

function card(fallbackText: string, body: CardElement[], cardActions: CardElement[]): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.4',
    fallbackText: truncate(oneLine(fallbackText), HEADER_MAX),
    body,
    ...(cardActions.length === 0 ? {} : { actions: cardActions }),
  };
}

export function teamsEnvelope(content: AdaptiveCard): TeamsMessage {
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }] };
}

/** Adds each section (its longest version that fits) while the post stays under the limit; says what was left out. */
function withDetails(base: AdaptiveCard, sections: Section[]): AdaptiveCard {
  const noteRoom = 400;
  const body = [...base.body];
  const left: string[] = [];
  const size = (elements: CardElement[]): number => postBytes(teamsEnvelope({ ...base, body: elements }));
  for (const s of sections) {
    const fitting = s.versions.find((v) => size([...body, ...v]) + noteRoom <= TEAMS_POST_MAX_BYTES);
    if (fitting === undefined) left.push(s.name);
    else body.push(...fitting);
  }
  if (left.length > 0) {
    body.push(
      rich(
        [run(`Left out to stay within Teams' message size: ${left.join(', ')} (in the email and the webhook document).`, { isSubtle: true, italic: true })],
        {
          separator: true,
        },
      ),
    );
  }
  return { ...base, body };
}

/** The card for one diagnosis: a firing alert in full, a resolved one as a short new card. */
export function renderTeamsCard(doc: DiagnosisDocument, options: TeamsRenderOptions): AdaptiveCard {
  const m = buildMessage(doc, { externalURL: options.externalURL });
  if (doc.status === 'resolved') return resolvedCard(m);
  const header = `${lookStyle(m).mark} ${m.first.header}`;
  return withDetails(card(header, firstElements(m, doc), actions(m)), detailSections(m));
}

function resolvedCard(m: Message): AdaptiveCard {
  const r = m.resolution ?? { line: 'Resolved', healthy: true };
  const mark = r.healthy ? '✅' : '⚠️';
  const c = m.first.context;
  const body: CardElement[] = [
    headerBlock(`${mark} Resolved: ${m.first.header}`, r.healthy ? 'Good' : 'Warning'),
    rich([run(r.line, { weight: 'Bolder' }), ...(r.outcome === undefined ? [] : [run(`: ${clean(r.outcome)}`)])]),
    rich([run(`Was: ${clean(m.first.header)} (pod ${clean(c.pod, FACT_MAX)})`)], { spacing: 'Small' }),
  ];
  if (!r.healthy && m.first.primaryFix !== undefined) body.push(...fixElements(m.first.primaryFix, m.first.fixLabel, FIX_COMMANDS_MAX_CHARS));
  const where = [c.cluster, c.alertname].filter((s) => s !== undefined).join(' · ');
  body.push(rich([run(where, { isSubtle: true })], { spacing: 'Small' }));
  return card(`${mark} ${r.line}: ${m.first.header}`, body, actions(m));
}

/** The post: the card in the message envelope, or (`raw`) the bare card for a flow built by hand. */
export function renderTeams(doc: DiagnosisDocument, options: TeamsRenderOptions & { raw?: boolean }): TeamsMessage | AdaptiveCard {
  const content = renderTeamsCard(doc, options);
  return options.raw === true ? content : teamsEnvelope(content);
}
