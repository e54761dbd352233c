/**
 * The Slack message, as Block Kit, for a phone at 3 a.m. (message.ts decides what; this only formats):
 * header, deciding fact, one fix to paste, a context line. With the Web API the rest goes in a thread
 * reply; an incoming webhook has no thread, so a short version of the rest follows in the same message,
 * within the length budget. Every text is cut to Slack's limits (slack-blocks.ts).
 */
import type { DiagnosisDocument, Remedy } from '../diagnosis/document.ts';
import { lookStyle } from './look.ts';
import { buildMessage, type Message, RECOVERED_FIX_LABEL, resolutionOf } from './message.ts';
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

/** The first message's visible length never exceeds this (issue #28's goal: one screen of a phone). */
export const FIRST_MESSAGE_MAX = 1100;
/** The first message's command block is cut to this: a fix that long belongs in the thread and the email. */
const FIRST_CODE_MAX = 600;
const CODE_PIECE = SLACK_LIMITS.sectionText - 200;

/** The mark before the header: what the reader must do (look.ts), never how urgent it is. */
export const markOf = (m: Message): string => lookStyle(m).mark;

const esc = (s: string): string => escapeMrkdwn(stripControl(s));

function fixPiece(r: Remedy, label = ''): string {
  const title = `${label}${esc(oneLine(r.title))}`;
  return r.commands.length === 0 ? title : `${title}\n${codeBlock(r.commands.map(stripControl).join('\n'), CODE_PIECE - title.length)}`;
}

/** The commands the first message shows: whole lines only (a cut command does not run), at least the first. */
export function firstCommands(r: Remedy): { shown: string[]; left: number } {
  const shown: string[] = [];
  let used = 0;
  for (const c of r.commands) {
    if (shown.length > 0 && used + c.length > FIRST_CODE_MAX) break;
    shown.push(c);
    used += c.length + 1;
  }
  return { shown, left: r.commands.length - shown.length };
}

/**
 * Where the rest is, in one line: the thread (Web API), else the email and the webhook document. It
 * names what a reader goes there for (the fix's cut lines, verify, other fixes, the log); more proof
 * and Also noticed are there too.
 */
function elsewhere(m: Message, details: 'inline' | 'thread', commandsLeft: number): string | undefined {
  const d = m.details;
  const parts = [
    commandsLeft > 0 ? `the fix's last ${commandsLeft === 1 ? 'line' : `${commandsLeft} lines`}` : undefined,
    d.verify.length > 0 ? 'verify' : undefined,
    d.otherFixes.length > 0 ? 'other fixes' : undefined,
    d.log !== undefined ? 'log' : undefined,
  ].filter((p) => p !== undefined);
  const where = details === 'thread' ? 'In the thread' : 'Email and webhook document';
  if (parts.length === 0) return d.moreProof.length > 0 || d.findings.length > 0 ? `More proof: ${where.toLowerCase()}` : undefined;
  return `${where}: ${parts.join(', ')}`;
}

/**
 * The first message, one screen: header, the proof line and the state line, the Fix with its command,
 * and a footer (confidence, the alert, where the rest is). Everything else is in the thread (Web
 * API), the email and the webhook document.
 */
function firstBlocks(m: Message, headerText: string, details: 'inline' | 'thread' | 'none'): SlackBlock[] {
  const f = m.first;
  const blocks: SlackBlock[] = [header(headerText)];
  const facts = f.deciding.map((d) => `*${esc(d.label)}:* ${d.source === 'logs' && !d.text.includes('`') ? `\`${esc(d.text)}\`` : esc(d.text)}`);
  if (f.problems !== undefined) facts.push(`:warning: ${esc(f.problems)}`);
  // In italics: the state is not proof, and reads apart from the quoted line above it.
  if (f.state !== undefined) facts.push(`_${esc(f.state)}_`);
  if (facts.length > 0) blocks.push(section(facts.join('\n')));
  const fix = f.primaryFix;
  const cut = fix === undefined ? { shown: [], left: 0 } : firstCommands(fix);
  if (fix !== undefined) blocks.push(section(fixPiece({ ...fix, commands: cut.shown }, `*${f.fixLabel}:* `)));
  const c = f.context;
  // Urgency first: the alert's own severity (a critical one in bold), then where and how sure.
  const where = [c.severity === 'critical' ? '*critical*' : c.severity, c.cluster === undefined ? undefined : esc(c.cluster)].filter((s) => s !== undefined);
  const rest = details === 'none' ? undefined : elsewhere(m, details, cut.left);
  blocks.push(
    context([
      `${where.join(' · ')} · confidence ${esc(c.confidence)}`,
      [c.links.map((l) => link(l.url, l.text)).join(' · '), rest === undefined ? '' : `_${esc(rest)}_`].filter((p) => p !== '').join('\n'),
    ]),
  );
  return blocks;
}

const list = (title: string, items: string[]): string[] => (items.length === 0 ? [] : [title, ...items.map((i) => `• ${esc(oneLine(i))}`)]);

function logPiece(m: Message): string[] {
  const log = m.details.log;
  if (log === undefined) return [];
  return [`*${esc(log.title)}*\n${codeBlock(stripControl(log.lines.join('\n')), CODE_PIECE)}`];
}

function escalationPieces(m: Message): string[] {
  const steps = m.details.escalation.map((s) => (s.command === undefined ? `• ${esc(s.text)}` : `• ${esc(s.text)}: \`${esc(s.command)}\``));
  return steps.length === 0 ? [] : ['*When to escalate*: if nothing above stops the restarts, collect:', ...steps];
}

/** The main message: for an incoming webhook, or the Web API's top-level post. */
export function renderSlack(doc: DiagnosisDocument, options: SlackRenderOptions): SlackMessage {
  if (doc.status === 'resolved' && options.resolvedBy === undefined) return renderSlackResolved(doc, options.externalURL);
  const m = buildMessage(doc, { externalURL: options.externalURL });
  if (options.resolvedBy !== undefined) {
    const r = resolutionOf(options.resolvedBy);
    if (r.healthy) m.first.fixLabel = RECOVERED_FIX_LABEL;
    const blocks = firstBlocks(m, `${r.healthy ? '✅' : '⚠️'} Resolved: ${m.first.header}`, 'none');
    blocks.splice(1, 0, section(`*${esc(r.line)}*${r.outcome === undefined ? '' : `: ${esc(r.outcome)}`}`));
    // The silence link is no use once the alert has resolved.
    return { text: fallbackText(`${r.healthy ? '✅' : '⚠️'} ${r.line}: ${m.first.header}`), blocks: capBlocks(withoutSilence(blocks)) };
  }
  const blocks = firstBlocks(m, `${markOf(m)} ${m.first.header}`, options.details);
  return { text: fallbackText(`${markOf(m)} ${m.first.header}`), blocks: capBlocks(blocks) };
}

/** The thread reply under the Web API post: everything the first message left out. */
export function renderSlackThread(doc: DiagnosisDocument, externalURL = ''): SlackMessage {
  const m = buildMessage(doc, { externalURL });
  const d = m.details;
  const pieces = [`*What happened:* ${esc(d.summary)}`, ...(d.alertDescription === undefined ? [] : [`*Alert:* ${esc(d.alertDescription)}`])];
  const blocks: SlackBlock[] = [...packSections(pieces, 1), fields(d.facts)];
  const fix = m.first.primaryFix;
  if (fix !== undefined && firstCommands(fix).left > 0) blocks.push(...packSections([fixPiece(fix, `*${m.first.fixLabel}, every line:* `)], 1));
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
