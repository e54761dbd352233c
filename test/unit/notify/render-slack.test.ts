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
  it('OOM document → header names pod and cause, facts, proof, fix in a code block, links', () => {
    const m = renderSlack(oomDocument(), { externalURL: EXT, details: 'inline' });
    expect(validateSlackPayload(m)).toBeUndefined();
    expect(m.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '🔴 payment-svc-7b9f6d-xk2p: OOMKilled (exit 137)', emoji: true } });
    const all = texts(m).join('\n');
    expect(all).toContain('512Mi memory limit');
    expect(all).toContain('*Namespace*\npayments');
    expect(all).toContain('*Owner*\nDeployment/payment-svc');
    expect(all).toContain('*Proof*');
    expect(all).toContain('```\nkubectl patch deployment payment-svc -n payments');
    expect(all).toContain('*Verify*');
    expect(all).toContain('heap 498Mi of 512Mi &lt;limit&gt; &amp; rising');
    expect(all).toContain('cause `oom-killed` · confidence *high*');
    const silence = `${EXT}/#/silences/new?filter=${encodeURIComponent('{alertname="KubePodCrashLooping", namespace="payments", pod="payment-svc-7b9f6d-xk2p"}')}`;
    expect(all).toContain(`<${silence}|Silence>`);
    expect(all).toContain(
      '<http://prometheus.example:9090/graph?g0.expr=max_over_time%28kube_pod_container_status_waiting_reason%5B5m%5D%29&amp;g0.tab=1|Alert source>',
    );
    expect(m.text).toBe(
      '🔴 payments/payment-svc-7b9f6d-xk2p: OOMKilled (exit 137) — payment-svc was killed by the kernel at its 512Mi memory limit (OOMKilled, exit 137 = SIGKILL) after running 42s; 14 restarts.',
    );
  });

  it('details in a thread → no log excerpt in the main message; thread holds log and filled-in escalation', () => {
    const doc = oomDocument();
    const main = renderSlack(doc, { externalURL: EXT, details: 'thread' });
    expect(allText(main)).not.toContain('*Log*');
    const thread = renderSlackThread(doc);
    expect(validateSlackPayload(thread)).toBeUndefined();
    const t = texts(thread).join('\n');
    expect(t).toContain('*Log* (previous container `payment-svc`)');
    expect(t).toContain('`kubectl describe pod payment-svc-7b9f6d-xk2p -n payments`');
    expect(t).toContain('`kubectl logs payment-svc-7b9f6d-xk2p -n payments -c payment-svc --previous`');
    expect(t).toContain('`kubectl get deployment/payment-svc -n payments -o yaml`');
  });

  it('cluster text with & < > → escaped in every block and in the fallback text', () => {
    const doc = oomDocument({ cause: { id: 'app-crash', title: 'exit 1 <script>', confidence: 'medium', summary: 'a <@U123> & <!channel> b' } });
    const m = renderSlack(doc, { externalURL: EXT, details: 'inline' });
    expect(m.text).toContain('a &lt;@U123&gt; &amp; &lt;!channel&gt; b');
    // The header is plain_text, which Slack does not parse: it stays as written.
    expect(m.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: '🔴 payment-svc-7b9f6d-xk2p: exit 1 <script>' } });
    for (const t of texts({ ...m, blocks: m.blocks.slice(1) })) {
      // Only our own links may open a `<`: `<http…|text>`.
      expect(t.replace(/<https?:\/\/[^|>\s]+\|[^>]+>/g, '')).not.toMatch(/[<>]/);
      expect(t).not.toMatch(/&(?!amp;|lt;|gt;)/);
    }
  });

  it('problems → shown as what could not be read', () => {
    const doc = oomDocument({ problems: [{ source: 'logs', kind: 'forbidden', message: 'forbidden: the service account cannot get pods/log' }] });
    const all = texts(renderSlack(doc, { externalURL: EXT, details: 'inline' })).join('\n');
    expect(all).toContain(':warning: *Could not read*');
    expect(all).toContain('logs: forbidden: the service account cannot get pods/log');
  });

  it('unknown cause over an incoming webhook → escalation list inline', () => {
    const doc = oomDocument({ cause: { id: 'unknown', title: 'cause unknown', confidence: 'low', summary: 'Not enough evidence.' } });
    expect(texts(renderSlack(doc, { externalURL: EXT, details: 'inline' })).join('\n')).toContain('*When to escalate*');
    expect(texts(renderSlack(oomDocument(), { externalURL: EXT, details: 'inline' })).join('\n')).not.toContain('*When to escalate*');
  });

  it('huge document (200 remedies, 50 KB log, 253-char names) → within every Slack limit, cut with a visible marker', () => {
    const doc = hugeDocument();
    expect(doc.logs?.excerpt.length).toBe(50_000);
    for (const details of ['inline', 'thread'] as const) {
      const m = renderSlack(doc, { externalURL: EXT, details });
      expect(blockError(m.blocks)).toBeUndefined();
      expect(validateSlackPayload(m)).toBeUndefined();
      expect(m.text.length).toBeLessThanOrEqual(4000);
      expect(allText(m)).toContain(TRUNCATION_MARKER);
      // Every code fence that opens also closes.
      for (const t of texts(m)) expect((t.match(/```/g) ?? []).length % 2).toBe(0);
    }
    const thread = renderSlackThread(doc);
    expect(validateSlackPayload(thread)).toBeUndefined();
    expect(allText(thread)).toContain(TRUNCATION_MARKER);
    expect(validateSlackPayload(renderSlackResolved(resolvedOf(doc), EXT))).toBeUndefined();
    expect(validateSlackPayload(renderSlack(doc, { externalURL: EXT, details: 'thread', resolvedBy: resolvedOf(doc) }))).toBeUndefined();
  });

  it('cut text never ends inside an entity', () => {
    const doc = hugeDocument();
    for (const t of texts(renderSlack(doc, { externalURL: EXT, details: 'inline' }))) expect(t).not.toMatch(/&[a-z]{0,3}(?:… \(truncated\))/);
  });
});

describe('resolved Slack messages', () => {
  it('resolved document → short message with the incident duration and no silence link', () => {
    const m = renderSlack(resolvedOf(oomDocument()), { externalURL: EXT, details: 'inline' });
    expect(validateSlackPayload(m)).toBeUndefined();
    expect(m.blocks[0]).toMatchObject({ type: 'header', text: { text: '✅ Resolved: payment-svc-7b9f6d-xk2p: OOMKilled (exit 137)' } });
    expect(allText(m)).toContain('Resolved after 47m');
    expect(allText(m)).not.toContain('Silence');
    expect(m.blocks.length).toBeLessThanOrEqual(3);
  });

  it('firing document re-rendered as resolved → resolved header and banner, details kept', () => {
    const doc = oomDocument();
    const m = renderSlack(doc, { externalURL: EXT, details: 'thread', resolvedBy: resolvedOf(doc, '2026-04-09T16:08:10Z') });
    expect(m.blocks[0]).toMatchObject({ text: { text: '✅ Resolved: payment-svc-7b9f6d-xk2p: OOMKilled (exit 137)' } });
    expect(texts(m)[1]).toBe('*Resolved after 2h 5m* (ended 2026-04-09 16:08 UTC)');
    expect(allText(m)).toContain('*Fix*');
    expect(allText(m)).not.toContain('|Silence>');
  });

  it('thread reply on resolve → one section, no header', () => {
    const m = renderSlackResolved(resolvedOf(oomDocument()), EXT, { reply: true });
    expect(m.blocks).toHaveLength(1);
    expect(m.blocks[0]?.type).toBe('section');
  });
});
