/**
 * The email: subject, plain-text and HTML parts, and the threading headers. Pure. Message-IDs derive
 * from the alert's fingerprint and startsAt, so the resolved mail threads under the firing one even
 * when the service restarted in between (RFC 5322 §3.6.4 In-Reply-To / References).
 */
import { createHash } from 'node:crypto';
import type { DiagnosisDocument } from '../diagnosis/document.ts';
import { causeInWords, workloadLabel } from './cause-words.ts';
import { renderEmailHtml } from './email-html.ts';
import { buildMessage } from './message.ts';
import { renderText } from './render-text.ts';
import { truncateWords } from './text.ts';

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
  const m = buildMessage(doc, { externalURL: '' });
  const status = m.resolution === undefined ? 'FIRING' : m.resolution.healthy ? 'RESOLVED' : 'RESOLVED, STILL FAILING';
  // The cause leads: an inbox list shows a subject's first 50-70 characters, and the cause decides whether to open it.
  const where = truncateWords(workloadLabel(doc), 90);
  return `${truncateWords(`[${status}] ${causeInWords(doc)}`, SUBJECT_MAX - where.length - 3)} — ${where}`;
}

export function renderEmail(doc: DiagnosisDocument, options: EmailRenderOptions): EmailMessage {
  const subject = emailSubject(doc);
  const firingId = emailMessageId(doc, options.from, 'firing');
  const text = renderText(doc, { color: false, externalURL: options.externalURL });
  const html = renderEmailHtml(doc, { externalURL: options.externalURL, ...(options.chart === undefined ? {} : { chart: options.chart }) });
  if (doc.status === 'resolved') {
    return { subject, text, html, messageId: emailMessageId(doc, options.from, 'resolved'), inReplyTo: firingId, references: [firingId] };
  }
  return { subject, text, html, messageId: firingId };
}
