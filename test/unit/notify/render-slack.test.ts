import { describe, expect, it } from 'vitest';
import { renderSlack, renderSlackResolved, renderSlackThread, type SlackMessage } from '../../../src/notify/render-slack.ts';
import { TRUNCATION_MARKER } from '../../../src/notify/text.ts';
import { hugeDocument, oomDocument, resolvedOf } from '../../fixtures/notify/documents.ts';
import { blockError, validateSlackPayload } from '../../support/slack-standin.ts';

const EXT = 'http://alertmanager.example:9093';

/** All mrkdwn/plain text of a message, for content assertions. */
function allText(m: SlackMessage): string {
  return JSON.stringify(m.blocks);
}

function texts(m: SlackMessage): string[] {
  const out: string[] = [];
  for (const b of m.blocks as unknown as Record<string, unknown>[]) {
    const t = b['text'] as { text?: string } | undefined;
    if (t?.text !== undefined) out.push(t.text);
    for (const f of (b['fields'] ?? b['elements'] ?? []) as { text: string }[]) out.push(f.text);
  }
  return out;
}

describe('renderSlack', () => {
  it('OOM document → header names namespace/workload and the cause in words; the deciding line, one fix, a footer with links and where the rest is', () => {
    const m = renderSlack(oomDocument(), { externalURL: EXT, details: 'thread' });
    expect(validateSlackPayload(m)).toBeUndefined();
    // A sure fix: the wrench, whatever the severity.
    expect(m.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '🔧 payments/payment-svc: killed at its 512Mi memory limit', emoji: true },
    });
    expect(m.text).toBe('🔧 payments/payment-svc: killed at its 512Mi memory limit');
    // One proof line: the kubelet's OOMKilled record, not the limit the header already names.
    expect(texts(m)[1]).toBe('*Container status:* Last State: Terminated, Reason: OOMKilled, Exit Code: 137, ran 42s (14:03:10 → 14:03:52)');
    expect(texts(m)[2]).toMatch(
      /^\*Fix:\* Raise the memory limit of payment-svc \(Deployment\/payment-svc\)\n```\nkubectl patch deployment payment-svc -n payments/,
    );
    // Only the primary fix in the first message; the BackOff event is not proof when others exist.
    expect(allText(m)).not.toContain('kubectl top pod');
    expect(allText(m)).not.toContain('Back-off restarting');
    expect(allText(m)).not.toContain('resources.limits.memory');
    const all = texts(m).join('\n');
    expect(all).toContain('warning · confidence high: the kubelet recorded OOMKilled');
    expect(all).toContain('_In the thread: verify, other fixes, log_');
    const silence = `${EXT}/#/silences/new?filter=${encodeURIComponent('{alertname="KubePodCrashLooping", namespace="payments", pod="payment-svc-7b9f6d-xk2p"}')}`;
    expect(all).toContain(`<${silence}|Silence>`);
    expect(all).toContain(
      '<http://prometheus.example:9090/graph?g0.expr=max_over_time%28kube_pod_container_status_waiting_reason%5B5m%5D%29&amp;g0.tab=1|Prometheus>',
    );
    expect(m.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
  });

  it('the state line: readiness, restarts and the last run, in one line after the proof', () => {
    const base = oomDocument();
    const doc = oomDocument({
      cause: { id: 'app-crash', title: 'exit 1', confidence: 'high', summary: 'payment-svc exited with code 1.' },
      target: { ...base.target, ready: false, restarts: 14, lastExit: { exitCode: 1, reason: 'Error', ranSeconds: 3 } },
      evidence: [
        { source: 'status', text: 'Last state: Terminated, reason Error, exit 1, ran 3s, finished 2026-04-09T14:03:25Z' },
        { source: 'logs', text: '2026-04-09T14:03:24Z FATAL could not parse LISTEN_ADDR=tcp://10.96.0.7:8080' },
      ],
    });
    const section = texts(renderSlack(doc, { externalURL: EXT, details: 'thread' }))[1];
    // The log line decides (it names a value); its own time stamp and the bare exit record are left out.
    expect(section).toBe('*Log:* `FATAL could not parse LISTEN_ADDR=tcp://10.96.0.7:8080`\n_Not ready · 14 restarts · last run 3s, exit 1_');
  });

  it('severity sets the urgency word, not the mark: critical in bold; info (nothing to do) → blue; cluster and runbook from the alert', () => {
    const base = oomDocument();
    const critical = oomDocument({
      alert: {
        ...base.alert,
        labels: { ...base.alert.labels, severity: 'critical', cluster: 'prod-eu-1' },
        annotations: { runbook_url: 'https://runbooks.example/oom' },
      },
    });
    const m = renderSlack(critical, { externalURL: EXT, details: 'thread' });
    expect(m.text).toMatch(/^🔧 /);
    expect(allText(m)).toContain('*critical* · prod-eu-1 · confidence high');
    expect(allText(m)).toContain('<https://runbooks.example/oom|Runbook>');
    const info = oomDocument({ alert: { ...base.alert, labels: { ...base.alert.labels, severity: 'info' } } });
    expect(renderSlack(info, { externalURL: EXT, details: 'thread' }).text).toMatch(/^🔵 /);
    const judge = oomDocument({ cause: { ...base.cause, confidence: 'medium' } });
    expect(renderSlack(judge, { externalURL: EXT, details: 'thread' }).text).toMatch(/^🔶 /);
    const unknown = oomDocument({ cause: { id: 'unknown', title: 'Cause not determined', confidence: 'low', summary: 'Not enough evidence.' } });
    expect(renderSlack(unknown, { externalURL: EXT, details: 'thread' }).text).toMatch(/^❓ /);
  });

  it('details in a thread → no log excerpt in the main message; thread holds summary, other fixes, log, findings', () => {
    const doc = oomDocument();
    const main = renderSlack(doc, { externalURL: EXT, details: 'thread' });
    expect(allText(main)).not.toContain('heap 498Mi');
    const thread = renderSlackThread(doc, EXT);
    expect(validateSlackPayload(thread)).toBeUndefined();
    const t = texts(thread).join('\n');
    expect(t).toContain('*What happened:* payment-svc was killed by the kernel');
    expect(t).toContain('kubectl top pod payment-svc-7b9f6d-xk2p -n payments');
    expect(t).toContain('*Log (previous container payment-svc)*');
    expect(t).toContain('heap 498Mi of 512Mi &lt;limit&gt; &amp; rising');
    expect(t).toContain('*Also noticed*');
    // High confidence: no escalation checklist.
    expect(t).not.toContain('When to escalate');
  });

  it('unknown or low confidence → the escalation checklist in the thread, never inline', () => {
    const doc = oomDocument({ cause: { id: 'unknown', title: 'Cause not determined', confidence: 'low', summary: 'Not enough evidence.' } });
    const t = texts(renderSlackThread(doc, EXT)).join('\n');
    expect(t).toContain('*When to escalate*');
    expect(t).toContain('`kubectl describe pod payment-svc-7b9f6d-xk2p -n payments`');
    expect(t).toContain('`kubectl get deployment/payment-svc -n payments -o yaml`');
    expect(texts(renderSlack(doc, { externalURL: EXT, details: 'inline' })).join('\n')).not.toContain('When to escalate');
  });

  it('incoming webhook → one screen too: no log, verify or other fixes, one line saying where they are; the thread keeps the log', () => {
    const lines = ['starting', ...Array.from({ length: 20 }, (_, i) => `2026-04-09T14:03:${String(10 + i).padStart(2, '0')}Z heartbeat ok`), 'a', 'boom'];
    const doc = oomDocument({ logs: { container: 'payment-svc', previous: true, excerpt: lines.join('\n'), truncated: false } });
    const m = renderSlack(doc, { externalURL: EXT, details: 'inline' });
    expect(m.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    const all = texts(m).join('\n');
    expect(all).not.toContain('boom');
    expect(all).not.toContain('*Verify*');
    expect(all).not.toContain('kubectl top pod');
    expect(all).toContain('_Email and webhook document: verify, other fixes, log_');
    const full = renderSlackThread(doc, EXT);
    expect(allText(full)).toContain('… 19 more `heartbeat ok` lines …');
  });

  it('a fix longer than the first message holds → whole commands only, the rest named and in the thread', () => {
    const base = oomDocument();
    const long = (i: number): string => `kubectl annotate deployment payment-svc -n payments step-${i}=${'x'.repeat(130)}`;
    const doc = oomDocument({ remedies: [{ kind: 'remedy', title: 'Annotate it', commands: [1, 2, 3, 4, 5, 6].map(long) }, ...base.remedies.slice(1)] });
    const first = texts(renderSlack(doc, { externalURL: EXT, details: 'thread' })).join('\n');
    expect(first).toContain(long(3));
    expect(first).not.toContain('step-4');
    expect(first).not.toContain(TRUNCATION_MARKER);
    expect(first).toContain("_In the thread: the fix's last 3 lines, verify, other fixes, log_");
    expect(texts(renderSlackThread(doc, EXT)).join('\n')).toContain(long(6));
  });

  it('cluster text with & < > → escaped in every block and in the fallback text', () => {
    const doc = oomDocument({ cause: { id: 'app-crash', title: 'exit 1 <script>', confidence: 'medium', summary: 'a <@U123> & <!channel> b' } });
    const m = renderSlack(doc, { externalURL: EXT, details: 'inline' });
    expect(m.text).toBe('🔶 payments/payment-svc: exits with an error');
    for (const t of texts({ ...m, blocks: m.blocks.slice(1) })) {
      // Only our own links may open a `<`: `<http…|text>`.
      expect(t.replace(/<https?:\/\/[^|>\s]+\|[^>]+>/g, '')).not.toMatch(/[<>]/);
      expect(t).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
    const thread = texts(renderSlackThread(doc, EXT)).join('\n');
    expect(thread).toContain('a &lt;@U123&gt; &amp; &lt;!channel&gt; b');
  });

  it('problems → one line in the first message, the list in the details', () => {
    const doc = oomDocument({ problems: [{ source: 'logs', kind: 'forbidden', message: 'forbidden: the service account cannot get pods/log' }] });
    const first = texts(renderSlack(doc, { externalURL: EXT, details: 'thread' })).join('\n');
    expect(first).toContain(':warning: Could not read the previous log: forbidden: the service account cannot get pods/log — the diagnosis may be incomplete');
    expect(texts(renderSlackThread(doc, EXT)).join('\n')).toContain('logs: forbidden: the service account cannot get pods/log');
  });

  it('huge document (200 remedies, 50 KB log, 253-character names) → within every Slack limit', () => {
    const doc = hugeDocument();
    expect(doc.logs?.excerpt.length).toBe(50_000);
    for (const details of ['inline', 'thread'] as const) {
      const m = renderSlack(doc, { externalURL: EXT, details });
      expect(blockError(m.blocks)).toBeUndefined();
      expect(validateSlackPayload(m)).toBeUndefined();
      expect(m.text.length).toBeLessThanOrEqual(4000);
      // Every code fence that opens also closes.
      for (const t of texts(m)) expect((t.match(/```/g) ?? []).length % 2).toBe(0);
    }
    const thread = renderSlackThread(doc, EXT);
    expect(validateSlackPayload(thread)).toBeUndefined();
    expect(allText(thread)).toContain(TRUNCATION_MARKER);
    expect(validateSlackPayload(renderSlackResolved(resolvedOf(doc), EXT))).toBeUndefined();
    expect(validateSlackPayload(renderSlack(doc, { externalURL: EXT, details: 'thread', resolvedBy: resolvedOf(doc) }))).toBeUndefined();
  });

  it('cut text never ends inside an entity', () => {
    const doc = hugeDocument();
    for (const t of texts(renderSlackThread(doc, EXT))) expect(t).not.toMatch(/&[a-z]{0,3}(?:… \(truncated\))/);
  });
});

describe('resolved Slack messages', () => {
  it('resolved document → short message with the incident duration and no silence link', () => {
    const m = renderSlack(resolvedOf(oomDocument()), { externalURL: EXT, details: 'inline' });
    expect(validateSlackPayload(m)).toBeUndefined();
    expect(m.blocks[0]).toMatchObject({ type: 'header', text: { text: '✅ Resolved: payments/payment-svc: killed at its 512Mi memory limit' } });
    expect(allText(m)).toContain('Resolved after 47m');
    expect(allText(m)).not.toContain('Silence');
    expect(m.blocks.length).toBeLessThanOrEqual(3);
  });

  it('resolved but still crash looping → a warning, not a green tick, with the outcome', () => {
    const doc = {
      ...resolvedOf(oomDocument()),
      resolution: { state: 'still-failing' as const, text: 'the alert resolved but payment-svc-7b9f6d-xk2p is still in CrashLoopBackOff' },
    };
    const m = renderSlack(doc, { externalURL: EXT, details: 'inline' });
    expect(m.text).toMatch(/^⚠️ Resolved after 47m/);
    expect(allText(m)).toContain('still in CrashLoopBackOff');
    // Still failing: the fix is still the thing to do now.
    const updated = renderSlack(oomDocument(), { externalURL: EXT, details: 'thread', resolvedBy: doc });
    expect(allText(updated)).toContain('*Fix:* Raise the memory limit');
  });

  it('firing document re-rendered as resolved → resolved header, outcome, the fix kept for next time, no silence link', () => {
    const doc = oomDocument();
    const resolved = { ...resolvedOf(doc, '2026-04-09T16:08:10Z'), resolution: { state: 'healthy' as const, text: 'Running for 12m, 0 restarts since' } };
    const m = renderSlack(doc, { externalURL: EXT, details: 'thread', resolvedBy: resolved });
    expect(m.blocks[0]).toMatchObject({ text: { text: '✅ Resolved: payments/payment-svc: killed at its 512Mi memory limit' } });
    expect(texts(m)[1]).toBe('*Resolved after 2h 5m*: Running for 12m, 0 restarts since');
    expect(allText(m)).toContain('*If it comes back:* Raise the memory limit');
    expect(allText(m)).not.toContain('*Fix:*');
    expect(allText(m)).not.toContain('|Silence>');
  });

  it('thread reply on resolve → one section, no header', () => {
    const m = renderSlackResolved(resolvedOf(oomDocument()), EXT, { reply: true });
    expect(m.blocks).toHaveLength(1);
    expect(m.blocks[0]?.type).toBe('section');
  });
});
