/**
 * The email: subject, plain-text and HTML parts, and the threading headers. Pure. Message-IDs derive
 * from the alert's fingerprint and startsAt, so the resolved mail threads under the firing one even
 * when the service restarted in between (RFC 5322 §3.6.4 In-Reply-To / References).
 */
import { createHash } from 'node:crypto';
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import { renderEmailHtml } from './email-html.ts';
import { alertTitle, escalationSteps, keyFacts, links, resolvedLine, statusWord } from './message-parts.ts';
import { renderText } from './render-text.ts';
import { formatTime, oneLine, truncate } from './text.ts';

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
  /** With angle brackets, as the header carries it. */
  messageId: string;
  inReplyTo?: string;
  references?: string[];
}

export interface EmailRenderOptions {
  externalURL: string;
  /** The sender address; its domain qualifies the Message-IDs. */
  from: string;
  /** The memory chart, attached inline under this Content-ID. */
  chart?: { cid: string; alt: string };
}

/** Long subjects are folded by mail clients into noise; the pod and cause come first anyway. */
const SUBJECT_MAX = 200;

function domainOf(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'crashtriage.invalid';
}

/** `<crashtriage.<sha256(fingerprint, startsAt)>[.resolved]@domain>` */
export function emailMessageId(doc: Pick<DiagnosisDocument, 'alert'>, from: string, kind: 'firing' | 'resolved'): string {
  const hash = createHash('sha256').update(`${doc.alert.fingerprint}\n${doc.alert.startsAt}`).digest('hex').slice(0, 32);
  return `<crashtriage.${hash}${kind === 'resolved' ? '.resolved' : ''}@${domainOf(from)}>`;
}

export function emailSubject(doc: DiagnosisDocument): string {
  return truncate(`[${statusWord(doc)}] ${alertTitle(doc)}`, SUBJECT_MAX);
}

export function renderEmail(doc: DiagnosisDocument, options: EmailRenderOptions): EmailMessage {
  const subject = emailSubject(doc);
  const firingId = emailMessageId(doc, options.from, 'firing');
  const linkList = links(doc, options.externalURL);
  if (doc.status === 'resolved') {
    const facts = keyFacts(doc).map((f) => `  ${f.label}: ${f.value}`);
    const ended = doc.alert.endsAt === undefined ? '' : ` (ended ${formatTime(doc.alert.endsAt)})`;
    const text = [
      `${resolvedLine(doc)}${ended}: ${alertTitle(doc)}`,
      '',
      ...facts,
      '',
      `Was: ${oneLine(doc.cause.summary)}`,
      ...linkList.map((l) => `${l.text}: ${l.url}`),
    ].join('\n');
    return {
      subject,
      text: `${text}\n`,
      html: renderEmailHtml(doc, { links: linkList, escalation: [] }),
      messageId: emailMessageId(doc, options.from, 'resolved'),
      inReplyTo: firingId,
      references: [firingId],
    };
  }
  const escalation = escalationSteps(doc);
  const text = [
    renderText(doc, { color: false }).trimEnd(),
    ...(linkList.length > 0 ? ['', ...linkList.map((l) => `${l.text}: ${l.url}`)] : []),
    '',
    'When to escalate: if the fix does not stop the restarts, collect',
    ...escalation.map((s) => (s.command === undefined ? `  - ${s.text}` : `  - ${s.text}: ${s.command}`)),
  ].join('\n');
  const html = renderEmailHtml(doc, { links: linkList, escalation, ...(options.chart === undefined ? {} : { chart: options.chart }) });
  return { subject, text: `${text}\n`, html, messageId: firingId };
}
