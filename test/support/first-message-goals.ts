/**
 * Issue #28's goals for the first Slack message, measured on the rendered message of every case of
 * bench/cases/ (visible text: link markup counts as its label): its length, whether the header or
 * the proof line holds the deciding fact, and whether the first Fix is a diagnostic step where the
 * cause is known (the remedy's `kind`, a field of the document, never a guess from its wording).
 * Shared by test/unit/notify/first-message-goals.test.ts and bench/first-message.ts.
 */
import type { DiagnosisDocument } from '../../src/diagnosis/document.ts';
import { buildMessage } from '../../src/notify/message.ts';
import { emailSubject } from '../../src/notify/render-email.ts';
import { renderSlack } from '../../src/notify/render-slack.ts';
import { renderText } from '../../src/notify/render-text.ts';
import { visibleLines } from '../../src/notify/slack-blocks.ts';
import { type BenchCaseDocument, CORPUS_EXTERNAL_URL } from './corpus-documents.ts';

export type SlackDetails = 'thread' | 'inline';

export interface CaseOutcome {
  id: string;
  /** Visible characters of the first message, per Slack mode (Web API with its thread, incoming webhook). */
  length: Record<SlackDetails, number>;
  /** Undefined when the case names no fact; else whether the header or the proof line quotes one. */
  decidingShown?: boolean;
  /** Likewise for the email: in its subject, its top or "What happened", not only under "More proof". */
  emailDecidingShown?: boolean;
  /** Whether the cause is known (not `unknown`), and the first Fix's kind when the document gives one. */
  causeKnown: boolean;
  hasFix: boolean;
  firstFixKind?: string;
}

export interface Goals {
  cases: number;
  median: Record<SlackDetails, number>;
  max: Record<SlackDetails, number>;
  over1100: Record<SlackDetails, number>;
  /** Cases with facts, and those whose header or proof line holds none of them. */
  withFacts: number;
  decidingMissed: string[];
  emailDecidingMissed: string[];
  /** Known-cause messages whose document says what kind the first Fix is, and those where it is a diagnostic step. */
  knownWithKind: number;
  knownWithoutKind: number;
  diagnosticFirst: string[];
  /** Those whose first Fix says nothing is to change (who stopped the container is known): not a diagnostic step. */
  noChangeFirst: string[];
  outcomes: CaseOutcome[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? (s[(s.length - 1) / 2] ?? 0) : ((s[s.length / 2 - 1] ?? 0) + (s[s.length / 2] ?? 0)) / 2;
};

export function firstMessageText(document: DiagnosisDocument, details: SlackDetails): string {
  return visibleLines(renderSlack(document, { externalURL: CORPUS_EXTERNAL_URL, details }).blocks).join('\n');
}

/** The header and the proof line(s) of the first message (with the line saying what could not be read), as the reader sees them. */
export function headerAndProof(document: DiagnosisDocument): string {
  const { first } = buildMessage(document, { externalURL: CORPUS_EXTERNAL_URL });
  return [first.header, ...first.deciding.map((d) => d.text), first.problems ?? ''].join('\n');
}

/**
 * The deciding fact where a case's `facts` only word the summary ("taints the pod does not tolerate"):
 * the text of the status, event or log line that decides, as the cluster wrote it. Judged once per
 * case from its evidence (bench/cases/<id>/), not from any message.
 */
export const DECIDING_FACT: Readonly<Record<string, string>> = {
  'app-crash-logs-forbidden': 'pods/log',
  'bad-entrypoint-exec-format-error-255': 'exec format error',
  'bad-entrypoint-run-container-error': 'executable file not found in $PATH',
  'exit-zero-bare-pod': 'restartPolicy Always',
  'liveness-probe-killing-expired-exit-zero': 'Liveness probe failed',
  'missing-config-configmap-key': "couldn't find key DB_HOST in ConfigMap default/app-config",
  'missing-config-python-file-not-found': "No such file or directory: '/etc/app/config.yaml'",
  'pod-setup-sandbox-calico-timeout': 'dial tcp 10.233.0.1:443: i/o timeout',
  'pod-setup-volume-mount-nfs': 'access denied by server',
  'pod-terminated-node-shutdown': 'imminent node shutdown',
  'sigkill-grace-period-exceeded': 'terminationGracePeriodSeconds 30',
  'sub-missing-env-rails-loomio-secret-key-base': 'SECRET_KEY_BASE',
  'sub-missing-file-prometheus-config-not-mounted': 'open /etc/prometheus/prometheus.yml: no such file or directory',
  'sub-mount-hides-nginx-conf-d': '/etc/nginx/conf.d/default.conf',
  'sub-mount-hides-nginx-modules': '/etc/nginx/modules/ngx_http_js_module.so',
  'sub-probe-port-chart-hardcoded-3000': 'port 3000',
  'unknown-pod-forbidden': 'cannot get resource "pods"',
  'unknown-pod-gone': 'not found',
  'unschedulable-disk-pressure-taint': 'untolerated taint {node.kubernetes.io/disk-pressure',
  'unschedulable-insufficient-memory-and-taint': 'Insufficient memory',
};

/** The email a reader reads before "More proof": the subject, the first screen and "What happened" (its text part, which the HTML part follows). */
export function emailHead(document: DiagnosisDocument): string {
  const text = renderText(document, { color: false });
  const more = text.indexOf('\nMore proof\n');
  return `${emailSubject(document)}\n${more < 0 ? text : text.slice(0, more)}`;
}

export function outcomeOf(c: BenchCaseDocument): CaseOutcome {
  const d = c.document;
  const shown = headerAndProof(d);
  const judged = DECIDING_FACT[c.id];
  const facts = judged === undefined ? c.facts : [judged, ...c.facts];
  const kind = d.remedies[0]?.kind;
  return {
    id: c.id,
    length: { thread: firstMessageText(d, 'thread').length, inline: firstMessageText(d, 'inline').length },
    ...(facts.length === 0 ? {} : { decidingShown: facts.some((f) => shown.includes(f)), emailDecidingShown: facts.some((f) => emailHead(d).includes(f)) }),
    causeKnown: d.cause.id !== 'unknown',
    hasFix: d.remedies.length > 0,
    ...(kind === undefined ? {} : { firstFixKind: kind }),
  };
}

export function measureGoals(cases: readonly BenchCaseDocument[]): Goals {
  const outcomes = cases.map(outcomeOf);
  const per = (f: (xs: number[]) => number): Record<SlackDetails, number> => ({
    thread: f(outcomes.map((o) => o.length.thread)),
    inline: f(outcomes.map((o) => o.length.inline)),
  });
  const known = outcomes.filter((o) => o.causeKnown && o.hasFix);
  return {
    cases: outcomes.length,
    median: per(median),
    max: per((xs) => Math.max(...xs)),
    over1100: per((xs) => xs.filter((x) => x > 1100).length),
    withFacts: outcomes.filter((o) => o.decidingShown !== undefined).length,
    decidingMissed: outcomes.filter((o) => o.decidingShown === false).map((o) => o.id),
    emailDecidingMissed: outcomes.filter((o) => o.emailDecidingShown === false).map((o) => o.id),
    knownWithKind: known.filter((o) => o.firstFixKind !== undefined).length,
    knownWithoutKind: known.filter((o) => o.firstFixKind === undefined).length,
    diagnosticFirst: known.filter((o) => o.firstFixKind === 'diagnostic').map((o) => o.id),
    noChangeFirst: known.filter((o) => o.firstFixKind === 'no-change').map((o) => o.id),
    outcomes,
  };
}
