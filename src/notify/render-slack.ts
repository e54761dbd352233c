/**
 * The Slack message, as Block Kit, for a phone at 3 a.m. (message.ts decides what; this only formats):
 * header, deciding fact, one fix to paste, a context line. With the Web API the rest goes in a thread
 * reply; an incoming webhook has no thread, so a short version of the rest follows in the same message,
 * within the length budget. Every text is cut to Slack's limits (slack-blocks.ts).
 */
import type { DiagnosisDocument, Remedy } from '../diagnosis/document.ts';
import { shortExcerpt } from './log-lines.ts';
import { buildMessage, type Message, RECOVERED_FIX_LABEL, resolutionOf, type Severity } from './message.ts';
import {
  capBlocks,
  codeBlock,
  context,
  fields,
  header,
  link,
  packSections,
  SLACK_LIMITS,
  type SlackBlock,
  type SlackMessage,
  section,
  visibleLength,
} from './slack-blocks.ts';
import { escapeMrkdwn, oneLine, stripControl, truncate } from './text.ts';

export { SLACK_LIMITS, type SlackBlock, type SlackMessage } from './slack-blocks.ts';

export interface SlackRenderOptions {
  /** Alertmanager's externalURL, for the Alertmanager and silence links. */
  externalURL: string;
  /** 'inline' for incoming webhooks; 'thread' when the details go in a thread reply (Web API). */
  details: 'inline' | 'thread';
  /** When set, the firing message re-rendered as resolved (chat.update of the original). */
  resolvedBy?: DiagnosisDocument;
}

/** The first message's visible length never exceeds this; details that do not fit are left to the email. */
export const FIRST_MESSAGE_MAX = 2000;
/** An incoming webhook has no thread: its log excerpt stays this short. */
const INLINE_LOG_LINES = 8;
const CODE_PIECE = SLACK_LIMITS.sectionText - 200;

const SEVERITY_EMOJI: Record<Severity, string> = { critical: '🔴', warning: '🟠', info: '🔵' };

const esc = (s: string): string => escapeMrkdwn(stripControl(s));

function fixPiece(r: Remedy, label = ''): string {
  const title = `${label}${esc(oneLine(r.title))}`;
  return r.commands.length === 0 ? title : `${title}\n${codeBlock(r.commands.map(stripControl).join('\n'), CODE_PIECE - title.length)}`;
}

/** Header, deciding fact, primary fix, context: the part of the message every reader sees. */
function firstBlocks(m: Message, headerText: string): SlackBlock[] {
  const f = m.first;
  const blocks: SlackBlock[] = [header(headerText)];
  const facts = f.deciding.map((d) => `*${esc(d.label)}:* ${d.source === 'logs' && !d.text.includes('`') ? `\`${esc(d.text)}\`` : esc(d.text)}`);
  if (f.problems !== undefined) facts.push(`:warning: ${esc(f.problems)}`);
  if (facts.length > 0) blocks.push(section(facts.join('\n')));
  if (f.primaryFix !== undefined) blocks.push(section(fixPiece(f.primaryFix, `*${f.fixLabel}:* `)));
  const c = f.context;
  const where = [c.severity, c.cluster, c.alertname, c.restarts === undefined ? undefined : `${c.restarts} restarts`].filter((s) => s !== undefined);
  blocks.push(
    context([
      esc(where.join(' · ')),
      `pod \`${esc(c.pod)}\` container \`${esc(c.container)}\``,
      `confidence ${esc(c.confidence)}`,
      c.links.map((l) => link(l.url, l.text)).join(' · '),
    ]),
  );
  return blocks;
}

const list = (title: string, items: string[]): string[] => (items.length === 0 ? [] : [title, ...items.map((i) => `• ${esc(oneLine(i))}`)]);

function logPiece(m: Message, maxLines?: number): string[] {
  const log = m.details.log;
  if (log === undefined) return [];
  const said = m.first.deciding.filter((d) => d.source === 'logs').map((d) => d.text);
  const lines = maxLines === undefined ? log.lines : shortExcerpt(log.lines, maxLines, said);
  return [`*${esc(log.title)}*\n${codeBlock(stripControl(lines.join('\n')), CODE_PIECE)}`];
}

function escalationPieces(m: Message): string[] {
  const steps = m.details.escalation.map((s) => (s.command === undefined ? `• ${esc(s.text)}` : `• ${esc(s.text)}: \`${esc(s.command)}\``));
  return steps.length === 0 ? [] : ['*When to escalate*: if nothing above stops the restarts, collect:', ...steps];
}

/**
 * What an incoming webhook adds below the first blocks: other fixes, verify steps, a short log and the
 * findings, each section only while the whole stays within the budget. Whole sections are left out,
 * never cut mid-word; the last line says what was left out.
 */
function inlineDetails(m: Message, first: SlackBlock[]): SlackBlock[] {
  const d = m.details;
  const candidates: { name: string; pieces: string[] }[] = [
    { name: 'what could not be read', pieces: list('*Could not read*', d.problems) },
    { name: 'log excerpt', pieces: logPiece(m, INLINE_LOG_LINES) },
    { name: 'other fixes', pieces: d.otherFixes.length === 0 ? [] : ['*Other fixes*', ...d.otherFixes.map((r) => fixPiece(r))] },
    { name: 'verify steps', pieces: list('*Verify*', d.verify) },
    { name: 'findings', pieces: list('*Also noticed*', d.findings) },
  ];
  const out: SlackBlock[] = [];
  const left: string[] = [];
  const noteRoom = 120;
  let used = visibleLength(first);
  for (const c of candidates) {
    if (c.pieces.length === 0) continue;
    const blocks = packSections(c.pieces, 2);
    const size = visibleLength(blocks) + 1;
    if (used + size + noteRoom <= FIRST_MESSAGE_MAX) {
      out.push(...blocks);
      used += size;
    } else left.push(c.name);
  }
  if (left.length > 0) out.push(context([`_Left out to keep this short: ${esc(left.join(', '))} (in the email and the webhook document)._`]));
  return out;
}

/** The main message: for an incoming webhook, or the Web API's top-level post. */
export function renderSlack(doc: DiagnosisDocument, options: SlackRenderOptions): SlackMessage {
  if (doc.status === 'resolved' && options.resolvedBy === undefined) return renderSlackResolved(doc, options.externalURL);
  const m = buildMessage(doc, { externalURL: options.externalURL });
  if (options.resolvedBy !== undefined) {
    const r = resolutionOf(options.resolvedBy);
    if (r.healthy) m.first.fixLabel = RECOVERED_FIX_LABEL;
    const blocks = firstBlocks(m, `${r.healthy ? '✅' : '⚠️'} Resolved: ${m.first.header}`);
    blocks.splice(1, 0, section(`*${esc(r.line)}*${r.outcome === undefined ? '' : `: ${esc(r.outcome)}`}`));
    // The silence link is no use once the alert has resolved.
    return { text: fallbackText(`${r.healthy ? '✅' : '⚠️'} ${r.line}: ${m.first.header}`), blocks: capBlocks(withoutSilence(blocks)) };
  }
  const first = firstBlocks(m, `${SEVERITY_EMOJI[m.first.severity]} ${m.first.header}`);
  const blocks = options.details === 'inline' ? [...first, ...inlineDetails(m, first)] : first;
  return { text: fallbackText(`${SEVERITY_EMOJI[m.first.severity]} ${m.first.header}`), blocks: capBlocks(blocks) };
}

/** The thread reply under the Web API post: everything the first message left out. */
export function renderSlackThread(doc: DiagnosisDocument, externalURL = ''): SlackMessage {
  const m = buildMessage(doc, { externalURL });
  const d = m.details;
  const pieces = [`*What happened:* ${esc(d.summary)}`, ...(d.alertDescription === undefined ? [] : [`*Alert:* ${esc(d.alertDescription)}`])];
  const blocks: SlackBlock[] = [...packSections(pieces, 1), fields(d.facts)];
  blocks.push(...packSections(list('*Could not read* (the diagnosis may be incomplete)', d.problems), 1));
  blocks.push(...packSections(d.moreProof.length === 0 ? [] : ['*More proof*', ...d.moreProof.map((e) => `• _${e.source}_: ${esc(oneLine(e.text))}`)], 2));
  blocks.push(...packSections(d.otherFixes.length === 0 ? [] : ['*Other fixes*', ...d.otherFixes.map((r) => fixPiece(r))], 4));
  blocks.push(...packSections(list('*Verify*', d.verify), 1));
  blocks.push(...packSections(logPiece(m), 1));
  blocks.push(...packSections(list('*Also noticed*', d.findings), 1));
  blocks.push(...packSections(escalationPieces(m), 1));
  return { text: fallbackText(`Details for ${m.first.header}`), blocks: capBlocks(blocks) };
}

/** A short resolved message: a new post (incoming webhook, or the original is unknown) or a thread reply. */
export function renderSlackResolved(doc: DiagnosisDocument, externalURL: string, options: { reply?: boolean } = {}): SlackMessage {
  const m = buildMessage(doc, { externalURL });
  const r = resolutionOf(doc);
  const mark = r.healthy ? '✅' : '⚠️';
  const detail = `*${esc(r.line)}*${r.outcome === undefined ? '' : `: ${esc(r.outcome)}`}\nWas: ${esc(m.first.header)} (pod \`${esc(m.first.context.pod)}\`)`;
  if (options.reply === true) return { text: fallbackText(`${mark} ${r.line}: ${m.first.header}`), blocks: [section(detail)] };
  const blocks: SlackBlock[] = [header(`${mark} Resolved: ${m.first.header}`), section(detail)];
  const c = m.first.context;
  const where = [c.cluster, c.alertname].filter((s) => s !== undefined);
  blocks.push(context([esc(where.join(' · ')), c.links.map((l) => link(l.url, l.text)).join(' · ')]));
  return { text: fallbackText(`${mark} ${r.line}: ${m.first.header}`), blocks: withoutSilence(blocks) };
}

function withoutSilence(blocks: SlackBlock[]): SlackBlock[] {
  return blocks.map((b) =>
    b.type === 'context'
      ? { ...b, elements: b.elements.map((e) => ({ ...e, text: e.text.replace(/( · )?<[^|>]+\|Silence>/, '') })).filter((e) => e.text !== '') }
      : b,
  );
}

function fallbackText(text: string): string {
  return truncate(escapeMrkdwn(stripControl(text)), SLACK_LIMITS.fallbackText, { entities: true });
}
