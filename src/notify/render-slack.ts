/**
 * The Slack message, as Block Kit, for a phone at 3 a.m.: what crashed and why in the header, the
 * proof, the fix to paste, how to verify. Pure; every text is cut to Slack's limits (slack-blocks.ts).
 */
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import { alertTitle, escalationSteps, keyFacts, links, resolvedLine } from './message-parts.ts';
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
import { escapeMrkdwn, formatTime, oneLine, stripControl, truncate } from './text.ts';

export { SLACK_LIMITS, type SlackBlock, type SlackMessage } from './slack-blocks.ts';

export interface SlackRenderOptions {
  /** Alertmanager's externalURL, for the silence link. */
  externalURL: string;
  /** 'inline' for incoming webhooks; 'thread' when the log excerpt goes in a thread reply (Web API). */
  details: 'inline' | 'thread';
  /** When set, the firing message re-rendered as resolved (chat.update of the original). */
  resolvedBy?: DiagnosisDocument;
}

const CODE_PIECE = SLACK_LIMITS.sectionText - 200;

const esc = (s: string): string => escapeMrkdwn(stripControl(s));

function proofPieces(doc: DiagnosisDocument): string[] {
  if (doc.evidence.length === 0) return [];
  return ['*Proof*', ...doc.evidence.map((e) => `• _${e.source}_: ${esc(oneLine(e.text))}`)];
}

function fixPieces(doc: DiagnosisDocument): string[] {
  if (doc.remedies.length === 0) return [];
  const pieces = ['*Fix*'];
  for (const r of doc.remedies) {
    const title = `*${esc(oneLine(r.title))}*`;
    pieces.push(r.commands.length === 0 ? title : `${title}\n${codeBlock(r.commands.map(stripControl).join('\n'), CODE_PIECE - title.length)}`);
  }
  return pieces;
}

function logPieces(doc: DiagnosisDocument): string[] {
  if (doc.logs === undefined || doc.logs.excerpt.trim() === '') return [];
  const { container, previous, truncated } = doc.logs;
  const what = `*Log* (${previous ? 'previous' : 'current'} container \`${esc(container)}\`${truncated ? ', excerpt' : ''})`;
  return [`${what}\n${codeBlock(stripControl(doc.logs.excerpt), CODE_PIECE)}`];
}

function escalationPieces(doc: DiagnosisDocument): string[] {
  const steps = escalationSteps(doc).map((s) => (s.command === undefined ? `• ${esc(s.text)}` : `• ${esc(s.text)}: \`${esc(s.command)}\``));
  return ['*When to escalate* — if the fix does not stop the restarts, collect:', ...steps];
}

function listSection(title: string, lines: string[]): SlackBlock[] {
  return lines.length === 0 ? [] : packSections([title, ...lines.map((l) => `• ${esc(oneLine(l))}`)], 1);
}

function contextLine(doc: DiagnosisDocument, options: SlackRenderOptions): SlackBlock {
  const resolved = options.resolvedBy !== undefined || doc.status === 'resolved';
  const parts = [`cause \`${esc(doc.cause.id)}\` · confidence *${esc(doc.cause.confidence)}*`, `since ${esc(formatTime(doc.alert.startsAt))}`];
  for (const l of links(doc, options.externalURL)) if (!(resolved && l.text === 'Silence')) parts.push(link(l.url, l.text));
  return context(parts);
}

/** The main message: for an incoming webhook, or the Web API's top-level post. */
export function renderSlack(doc: DiagnosisDocument, options: SlackRenderOptions): SlackMessage {
  if (doc.status === 'resolved' && options.resolvedBy === undefined) return renderSlackResolved(doc, options.externalURL);
  const resolvedBy = options.resolvedBy;
  const blocks: SlackBlock[] = [];
  blocks.push(header(`${resolvedBy !== undefined ? '✅ Resolved:' : '🔴'} ${doc.target.pod}: ${doc.cause.title}`));
  if (resolvedBy !== undefined)
    blocks.push(
      section(`*${esc(resolvedLine(resolvedBy))}*${resolvedBy.alert.endsAt !== undefined ? ` (ended ${esc(formatTime(resolvedBy.alert.endsAt))})` : ''}`),
    );
  blocks.push(section(esc(oneLine(doc.cause.summary)) || esc(alertTitle(doc))));
  blocks.push(fields(keyFacts(doc)));
  // What could not be read comes before the diagnosis it weakens.
  blocks.push(
    ...listSection(
      ':warning: *Could not read* (the diagnosis may be incomplete)',
      doc.problems.map((p) => `${p.source}: ${p.message}`),
    ),
  );
  blocks.push(...packSections(proofPieces(doc), 2));
  blocks.push(...packSections(fixPieces(doc), 4));
  blocks.push(...listSection('*Verify*', doc.verify));
  if (options.details === 'inline') blocks.push(...packSections(logPieces(doc), 1));
  blocks.push(
    ...listSection(
      '*Also noticed*',
      doc.findings.map((f) => f.text),
    ),
  );
  // Without a thread to hold it, the escalation list goes inline only when no cause was found.
  if (options.details === 'inline' && doc.cause.id === 'unknown') blocks.push(...packSections(escalationPieces(doc), 1));
  blocks.push(contextLine(doc, options));
  const prefix = resolvedBy !== undefined ? `✅ ${resolvedLine(resolvedBy)}` : '🔴';
  return { text: fallbackText(`${prefix} ${alertTitle(doc)} — ${oneLine(doc.cause.summary)}`), blocks: capBlocks(blocks) };
}

/** The thread reply under the Web API post: the log excerpt and the escalation list. */
export function renderSlackThread(doc: DiagnosisDocument): SlackMessage {
  const blocks = [...packSections(logPieces(doc), 1), ...packSections(escalationPieces(doc), 1)];
  return { text: fallbackText(`Log excerpt and escalation details for ${alertTitle(doc)}`), blocks: capBlocks(blocks) };
}

/** A short resolved message: a new post (incoming webhook, or the original is unknown) or a thread reply. */
export function renderSlackResolved(doc: DiagnosisDocument, externalURL: string, options: { reply?: boolean } = {}): SlackMessage {
  const line = resolvedLine(doc);
  const owner = doc.target.owner === undefined ? '' : ` (${doc.target.owner.kind}/${doc.target.owner.name})`;
  const when = doc.alert.endsAt === undefined ? '' : `, ended ${formatTime(doc.alert.endsAt)}`;
  const detail = `*${esc(line)}*${esc(when)} · \`${esc(oneLine(`${doc.target.namespace}/${doc.target.pod}`))}\`${esc(oneLine(owner))} was: ${esc(oneLine(doc.cause.title))}`;
  const blocks: SlackBlock[] = options.reply === true ? [section(detail)] : [header(`✅ Resolved: ${doc.target.pod}: ${doc.cause.title}`), section(detail)];
  const source = links(doc, externalURL).find((l) => l.text === 'Alert source');
  if (options.reply !== true)
    blocks.push(
      context([`alert *${esc(doc.alert.name)}* since ${esc(formatTime(doc.alert.startsAt))}`, source === undefined ? '' : link(source.url, source.text)]),
    );
  return { text: fallbackText(`✅ ${line}: ${alertTitle(doc)}`), blocks };
}

function fallbackText(text: string): string {
  return truncate(escapeMrkdwn(stripControl(text)), SLACK_LIMITS.fallbackText, { entities: true });
}
