import { describe, expect, it } from 'vitest';
import type { DiagnosisDocument } from '../../../src/diagnosis/document.ts';
import {
  type AdaptiveCard,
  type CardElement,
  escapeTeamsMarkdown,
  postBytes,
  renderTeams,
  renderTeamsCard,
  TEAMS_POST_MAX_BYTES,
  type TeamsMessage,
} from '../../../src/notify/render-teams.ts';
import { hugeDocument, oomDocument, resolvedOf } from '../../fixtures/notify/documents.ts';
import { adaptiveCardError } from '../../support/adaptive-card-schema.ts';
import { CORPUS_EXTERNAL_URL, corpusDocuments } from '../../support/corpus-documents.ts';

const EXT = 'http://alertmanager.example:9093';

/** Every element of the card, depth first (containers' items included). */
function elements(card: AdaptiveCard): CardElement[] {
  const out: CardElement[] = [];
  const walk = (list: unknown): void => {
    for (const e of (list ?? []) as CardElement[]) {
      out.push(e);
      walk(e['items']);
    }
  };
  walk(card.body);
  return out;
}

/** What a reader sees: TextBlock texts and TextRuns joined per block, fact titles and values. */
function visibleLines(card: AdaptiveCard): string[] {
  return elements(card).flatMap((e) => {
    if (e['type'] === 'TextBlock') return [String(e['text'])];
    if (e['type'] === 'RichTextBlock') return [(e['inlines'] as { text: string }[]).map((r) => r.text).join('')];
    if (e['type'] === 'FactSet') return (e['facts'] as { title: string; value: string }[]).map((f) => `${f.title}: ${f.value}`);
    return [];
  });
}

function stormDocument(workloads: number): DiagnosisDocument {
  const base = oomDocument();
  return {
    ...base,
    incident: {
      id: 'prod-eu-1/payments/payment-svc@2026-04-09T14:05:00Z',
      cluster: 'prod-eu-1',
      workload: { kind: 'Deployment', name: 'payment-svc' },
      pods: [{ name: base.target.pod, cause: 'oom-killed', title: base.cause.title, status: 'firing' }],
      news: 'opened',
      summary: ['1 of 3 pods of deployment/payment-svc crash looping', 'began with revision 8, 4m ago: image payment-svc:2.3.0 → 2.4.0'],
      storm: {
        id: 'storm-1',
        news: 'opened',
        lines: [
          `Crash-loop storm in payments: ${workloads} more workloads in one digest, ${workloads} still crash looping`,
          ...Array.from({ length: workloads }, (_, i) => `deployment/worker-${i}-${'w'.repeat(200)}: OOMKilled (exit 137), 3 pods`),
        ],
      },
    },
  };
}

describe('Teams Adaptive Card', () => {
  it('OOM document → a valid Adaptive Card 1.4 in the message envelope: header coloured by severity, proof, fix in monospace, facts, links as buttons', () => {
    const post = renderTeams(oomDocument(), { externalURL: EXT }) as TeamsMessage;
    expect(post.type).toBe('message');
    expect(post.attachments).toHaveLength(1);
    expect(post.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(post.attachments[0].contentUrl).toBeNull();
    const card = post.attachments[0].content;
    expect(adaptiveCardError(card)).toBeUndefined();
    expect(card.version).toBe('1.4');
    // A sure fix: the wrench, in the accent colour, whatever the severity.
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', color: 'Accent', weight: 'Bolder', wrap: true });
    expect(card.body[0]?.['text']).toBe('🔧 payments/payment-svc: killed at its 512Mi memory limit');
    expect(card.fallbackText).toBe('🔧 payments/payment-svc: killed at its 512Mi memory limit');
    const lines = visibleLines(card);
    expect(lines[1]).toBe('Container status: Last State: Terminated, Reason: OOMKilled, Exit Code: 137, ran 42s (14:03:10 → 14:03:52)');
    expect(lines).toContain('Fix: Raise the memory limit of payment-svc (Deployment/payment-svc)');
    const code = elements(card).find((e) => e['type'] === 'Container' && e['style'] === 'emphasis');
    const commandRun = ((code?.['items'] as CardElement[])[0]?.['inlines'] as CardElement[])[0];
    expect(commandRun).toMatchObject({ type: 'TextRun', fontType: 'Monospace' });
    expect(String(commandRun?.['text'])).toMatch(/^kubectl patch deployment payment-svc -n payments/);
    const facts = elements(card).find((e) => e['type'] === 'FactSet')?.['facts'] as { title: string; value: string }[];
    expect(facts.map((f) => f.title)).toEqual(['Workload', 'Pod', 'Container', 'Alert', 'Cause']);
    expect(facts[0]?.value).toBe('payments/deployment/payment-svc');
    expect(card.actions?.map((a) => [a['type'], a['title']])).toEqual([
      ['Action.OpenUrl', 'Alertmanager'],
      ['Action.OpenUrl', 'Prometheus'],
      ['Action.OpenUrl', 'Silence'],
    ]);
    // The details follow in the same card while they fit: the log, verify steps, the other fix.
    expect(lines).toContain('What happened');
    expect(lines).toContain('Verify');
    expect(lines.some((l) => l.includes('heap 498Mi of 512Mi <limit> & rising'))).toBe(true);
    expect(lines.some((l) => l.startsWith('Left out'))).toBe(false);
  });

  it('the header mark and colour follow what the reader must do (sure fix, fix to judge, cause unknown), not the severity; restarts and cluster join the facts', () => {
    const base = oomDocument();
    const critical = renderTeamsCard(
      {
        ...base,
        alert: { ...base.alert, labels: { ...base.alert.labels, severity: 'critical', cluster: 'prod-eu-1' } },
        target: { ...base.target, restarts: 14 },
      },
      { externalURL: EXT },
    );
    expect(critical.body[0]).toMatchObject({ color: 'Accent' });
    expect(String(critical.body[0]?.['text'])).toMatch(/^🔧 /);
    expect(visibleLines(critical)).toEqual(expect.arrayContaining(['Restarts: 14', 'Cluster: prod-eu-1', 'Alert: KubePodCrashLooping (critical)']));
    const judge = renderTeamsCard({ ...base, cause: { ...base.cause, confidence: 'medium' } }, { externalURL: EXT });
    expect(judge.body[0]).toMatchObject({ color: 'Warning' });
    expect(String(judge.body[0]?.['text'])).toMatch(/^🔶 /);
    const unknown = renderTeamsCard(
      { ...base, cause: { id: 'unknown', title: 'Cause not determined', confidence: 'low', summary: 'x' } },
      { externalURL: EXT },
    );
    expect(unknown.body[0]).toMatchObject({ color: 'Default' });
    expect(String(unknown.body[0]?.['text'])).toMatch(/^❓ /);
    const info = renderTeamsCard({ ...base, alert: { ...base.alert, labels: { ...base.alert.labels, severity: 'info' } } }, { externalURL: EXT });
    expect(info.body[0]).toMatchObject({ color: 'Accent' });
    expect(String(info.body[0]?.['text'])).toMatch(/^🔵 /);
  });

  it('Markdown in cluster text is escaped where Teams reads Markdown (header, facts) and kept as is in TextRuns', () => {
    const base = oomDocument();
    const doc: DiagnosisDocument = {
      ...base,
      alert: { ...base.alert, labels: { ...base.alert.labels, cluster: '*prod*_[eu](http://evil.example)' } },
      evidence: [{ source: 'logs', text: 'panic: **boom** [x](http://evil.example) <script>' }],
      cause: { ...base.cause, id: 'app-crash', title: 'panic: **boom** (exit 2)', summary: 'it exited' },
    };
    const card = renderTeamsCard(doc, { externalURL: EXT });
    expect(adaptiveCardError(card)).toBeUndefined();
    const cluster = (elements(card).find((e) => e['type'] === 'FactSet')?.['facts'] as { title: string; value: string }[]).find((f) => f.title === 'Cluster');
    expect(cluster?.value).toBe('\\*prod\\*\\_\\[eu\\](http://evil.example)');
    expect(visibleLines(card)).toContain('Log: panic: **boom** [x](http://evil.example) <script>');
    expect(escapeTeamsMarkdown('a-b.c `x` #1 |y| ~z~ \\')).toBe('a-b.c \\`x\\` \\#1 \\|y\\| \\~z\\~ \\\\');
  });

  it('huge document → valid, under the size limit, first part whole, and says which details were left out', () => {
    const post = renderTeams(hugeDocument(), { externalURL: EXT }) as TeamsMessage;
    expect(postBytes(post)).toBeLessThanOrEqual(TEAMS_POST_MAX_BYTES);
    const card = post.attachments[0].content;
    expect(adaptiveCardError(card)).toBeUndefined();
    const lines = visibleLines(card);
    expect(lines.some((l) => l.startsWith('Fix: Remedy 0'))).toBe(true);
    // Long lists are cut with a count, so the card stays readable as well as small.
    expect(lines).toContain('… 188 more (in the email and the webhook document)'.replace('188', String(80 - 12)));
    // No control characters from the log reach the card.
    expect(JSON.stringify(card)).not.toMatch(/\\u001b/);
  });

  it('details of long lines everywhere → whole sections are left out, never cut mid-line, and the card says which', () => {
    const base = oomDocument();
    const long = (i: number): string => `${i} ${'word '.repeat(120)}`;
    const doc: DiagnosisDocument = {
      ...base,
      verify: Array.from({ length: 3 }, (_, i) => long(i)),
      findings: Array.from({ length: 12 }, (_, i) => ({ id: `f${i}`, text: long(i) })),
      logs: {
        container: 'payment-svc',
        previous: true,
        excerpt: Array.from({ length: 40 }, (_, i) => `${i} ${'ghijklmnopqrstuvwxyz'.charAt(i % 20).repeat(300)}`).join('\n'),
        truncated: false,
      },
      problems: Array.from({ length: 12 }, (_, i) => ({ source: 'events' as const, message: long(i) })),
    };
    const post = renderTeams(doc, { externalURL: EXT }) as TeamsMessage;
    expect(postBytes(post)).toBeLessThanOrEqual(TEAMS_POST_MAX_BYTES);
    const card = post.attachments[0].content;
    expect(adaptiveCardError(card)).toBeUndefined();
    const note = visibleLines(card).find((l) => l.startsWith('Left out'));
    expect(note).toMatch(/^Left out to stay within Teams' message size: .*findings.*\(in the email and the webhook document\)\.$/);
    // The log went in its short version: its last lines, behind an ellipsis.
    const lines = visibleLines(card);
    const log = lines.indexOf('Log (previous container payment-svc)');
    expect(log).toBeGreaterThan(0);
    expect(lines[log + 1]).toBe('…');
    expect(lines.filter((l) => /^\d+ [g-z]{300}$/.test(l)).length).toBeLessThanOrEqual(10);
  });

  it('a storm digest with many workloads → the list is cut, the card stays valid and under the limit', () => {
    const post = renderTeams(stormDocument(60), { externalURL: EXT }) as TeamsMessage;
    expect(postBytes(post)).toBeLessThanOrEqual(TEAMS_POST_MAX_BYTES);
    const card = post.attachments[0].content;
    expect(adaptiveCardError(card)).toBeUndefined();
    const lines = visibleLines(card);
    expect(lines[1]).toMatch(/^Storm: Crash-loop storm in payments: 60 more workloads/);
    expect(lines.some((l) => /^… \d+ more lines$/.test(l))).toBe(true);
  });

  it('every document of the diagnosis corpus, firing and resolved → valid Adaptive Card 1.4, under the size limit, no images', () => {
    const sizes: number[] = [];
    for (const { fixture, document } of corpusDocuments()) {
      for (const doc of [document, resolvedOf(document)]) {
        const post = renderTeams(doc, { externalURL: CORPUS_EXTERNAL_URL }) as TeamsMessage;
        const card = post.attachments[0].content;
        expect(adaptiveCardError(card), fixture.name).toBeUndefined();
        sizes.push(postBytes(post));
        expect(postBytes(post), fixture.name).toBeLessThanOrEqual(TEAMS_POST_MAX_BYTES);
        expect(elements(card).some((e) => e['type'] === 'Image' || e['type'] === 'ImageSet' || e['backgroundImage'] !== undefined)).toBe(false);
        expect(JSON.stringify(card)).not.toContain('data:image');
      }
    }
    expect(sizes.length).toBeGreaterThan(100);
  });

  it('the schema check is not a formality: an unknown property or a colour Teams does not know is refused', () => {
    const card = renderTeamsCard(oomDocument(), { externalURL: EXT });
    expect(adaptiveCardError({ ...card, msteams: { width: 'Full' } })).toBeDefined();
    expect(adaptiveCardError({ ...card, body: [{ ...card.body[0], color: 'Red' }] })).toBeDefined();
    expect(adaptiveCardError({ ...card, body: [{ type: 'TextBlock' }] })).toBeDefined();
  });

  it('resolved and healthy → a new, short card: green header, what the check found, no silence button', () => {
    const doc = { ...resolvedOf(oomDocument()), resolution: { state: 'healthy' as const, text: 'Running for 12m, 0 restarts since' } };
    const card = renderTeamsCard(doc, { externalURL: EXT });
    expect(adaptiveCardError(card)).toBeUndefined();
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', color: 'Good' });
    expect(card.body[0]?.['text']).toBe('✅ Resolved: payments/payment-svc: killed at its 512Mi memory limit');
    const lines = visibleLines(card);
    expect(lines[1]).toBe('Resolved after 47m: Running for 12m, 0 restarts since');
    expect(lines[2]).toBe('Was: payments/payment-svc: killed at its 512Mi memory limit (pod payment-svc-7b9f6d-xk2p)');
    expect(lines.some((l) => l.startsWith('Fix'))).toBe(false);
    expect(card.actions?.map((a) => a['title'])).not.toContain('Silence');
    expect(postBytes(card)).toBeLessThan(4000);
  });

  it('resolved but still failing → amber header and the fix again', () => {
    const doc = { ...resolvedOf(oomDocument()), resolution: { state: 'still-failing' as const, text: 'still in CrashLoopBackOff, 15 restarts' } };
    const card = renderTeamsCard(doc, { externalURL: EXT });
    expect(adaptiveCardError(card)).toBeUndefined();
    expect(card.body[0]).toMatchObject({ color: 'Warning' });
    expect(String(card.body[0]?.['text'])).toMatch(/^⚠️ Resolved: /);
    expect(visibleLines(card).some((l) => l.startsWith('Fix: Raise the memory limit'))).toBe(true);
  });

  it('raw → the bare card, for a flow built by hand that posts @triggerBody()', () => {
    const raw = renderTeams(oomDocument(), { externalURL: EXT, raw: true }) as AdaptiveCard;
    expect(raw.type).toBe('AdaptiveCard');
    expect(adaptiveCardError(raw)).toBeUndefined();
    expect(raw).toEqual((renderTeams(oomDocument(), { externalURL: EXT }) as TeamsMessage).attachments[0].content);
  });
});
