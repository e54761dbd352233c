import { describe, expect, it } from 'vitest';
import { emailMessageId, renderEmail } from '../../../src/notify/render-email.ts';
import { hugeDocument, oomDocument, resolvedOf } from '../../fixtures/notify/documents.ts';

const opts = { externalURL: 'http://alertmanager.example:9093', from: 'crashtriage <alerts@example.com>' };

describe('renderEmail', () => {
  it('firing → [FIRING] subject led by the cause in words, then namespace/workload', () => {
    expect(renderEmail(oomDocument(), opts).subject).toBe('[FIRING] killed at its 512Mi memory limit — payments/payment-svc');
  });

  it('resolved → [RESOLVED] subject, duration, threads under the firing Message-ID', () => {
    const firing = renderEmail(oomDocument(), opts);
    const resolved = renderEmail(resolvedOf(oomDocument()), opts);
    expect(resolved.subject).toBe('[RESOLVED] killed at its 512Mi memory limit — payments/payment-svc');
    expect(resolved.text).toContain('Resolved after 47m');
    expect(resolved.inReplyTo).toBe(firing.messageId);
    expect(resolved.references).toEqual([firing.messageId]);
    expect(resolved.messageId).not.toBe(firing.messageId);
  });

  it('resolved and healthy → the fix stays, headed for next time; still failing → still "Fix"', () => {
    const healthy = { ...resolvedOf(oomDocument()), resolution: { state: 'healthy' as const, text: 'Running for 12m, 0 restarts since' } };
    expect(renderEmail(healthy, opts).html).toContain('If it comes back: Raise the memory limit');
    expect(renderEmail(healthy, opts).html).not.toContain('Fix: Raise');
    const failing = { ...healthy, resolution: { state: 'still-failing' as const, text: 'the alert resolved but x is still in CrashLoopBackOff' } };
    expect(renderEmail(failing, opts).html).toContain('Fix: Raise the memory limit');
    expect(renderEmail(oomDocument(), opts).html).toContain('Fix: Raise the memory limit');
  });

  it('Message-ID → deterministic from fingerprint and startsAt, qualified by the sender domain', () => {
    const doc = oomDocument();
    const id = emailMessageId(doc, opts.from, 'firing');
    expect(id).toMatch(/^<crashtriage\.[0-9a-f]{32}@example\.com>$/);
    expect(emailMessageId(oomDocument(), 'alerts@example.com', 'firing')).toBe(id);
    expect(emailMessageId({ alert: { ...doc.alert, startsAt: '2026-04-10T00:00:00Z' } }, opts.from, 'firing')).not.toBe(id);
  });

  it('plain text → readable: header, fix commands, log, other fixes with real names, links', () => {
    const { text } = renderEmail(oomDocument(), opts);
    expect(text).toContain('[FIRING] payments/payment-svc: killed at its 512Mi memory limit');
    expect(text).toContain('    kubectl rollout status deployment/payment-svc -n payments');
    expect(text).toContain('  | 2026-04-09T14:03:51Z WARN heap 498Mi of 512Mi <limit> & rising');
    expect(text).toContain('kubectl top pod payment-svc-7b9f6d-xk2p -n payments');
    expect(text).toContain('Silence: http://alertmanager.example:9093/#/silences/new?filter=');
    expect(text).not.toContain('\u001b[');
  });

  it('HTML → escaped cluster text, no scripts, no external images, one <style> for dark mode only', () => {
    const doc = oomDocument({
      cause: { id: 'app-crash', title: '<img src=x onerror=alert(1)>', confidence: 'low', summary: '<script>alert(1)</script> & "q"' },
    });
    const { html } = renderEmail(doc, opts);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;');
    expect(html).not.toMatch(/<(script|img|link|iframe|object)\b/i);
    expect(html.match(/<style\b/g)).toHaveLength(1);
    expect(html).toMatch(/<style>[^<]*@media \(prefers-color-scheme: dark\)[^<]*<\/style>/);
    expect(html).not.toMatch(/\bsrc="|url\(|https?:\/\/[^"]*\.(png|gif|jpe?g)/i);
    expect(html).toContain('<table');
    expect(html).toContain('heap 498Mi of 512Mi &lt;limit&gt; &amp; rising');
  });

  it('link with a javascript: generatorURL → dropped', () => {
    const doc = oomDocument();
    const { html, text } = renderEmail({ ...doc, alert: { ...doc.alert, generatorURL: 'javascript:alert(1)' } }, opts);
    expect(html).not.toContain('javascript:');
    expect(text).not.toContain('javascript:');
  });

  it('problems → in a highlighted box in HTML and listed in text', () => {
    const doc = oomDocument({ problems: [{ source: 'events', kind: 'timeout', message: 'timeout after 5s reading events' }] });
    const { html, text } = renderEmail(doc, opts);
    expect(html).toContain('Could not read (the diagnosis may be incomplete):</p>');
    expect(html).toContain('<li style="margin:2px 0">events: timeout after 5s reading events</li>');
    expect(text).toContain('events: timeout after 5s reading events');
  });

  it('huge document → subject bounded, one line; every part rendered', () => {
    const m = renderEmail(hugeDocument(), opts);
    expect(m.subject.length).toBeLessThanOrEqual(200);
    expect(m.subject).not.toMatch(/[\r\n]/);
    expect(m.html).not.toContain('\u001b');
  });

  it('labels never wrap; code wraps at spaces, slashes and commas, never by splitting a word', () => {
    const { html } = renderEmail(oomDocument(), opts);
    expect(html).toMatch(/white-space:nowrap[^>]*>Container status:/);
    expect(html).toContain('deployment/<wbr><span style="display:inline-block;max-width:100%">payment-svc</span>');
    expect(html).not.toContain('word-break:break-all');
    expect(html).toMatch(/<pre style="[^"]*white-space:pre-wrap;word-break:normal/);
  });

  it('the banner colour says what to do (sure fix blue, fix to judge amber, cause unknown grey), its words also the severity; resolved → green', () => {
    const base = oomDocument();
    const sure = renderEmail(base, opts).html;
    expect(sure).toContain('background:#0969da');
    expect(sure).toContain('FIRING · warning · sure fix');
    const critical = renderEmail(oomDocument({ alert: { ...base.alert, labels: { ...base.alert.labels, severity: 'critical' } } }), opts).html;
    expect(critical).toContain('FIRING · critical · sure fix');
    const judge = renderEmail(oomDocument({ cause: { ...base.cause, confidence: 'medium' } }), opts).html;
    expect(judge).toContain('background:#9a6700');
    expect(judge).toContain('FIRING · warning · fix to judge');
    const unknown = renderEmail(oomDocument({ cause: { id: 'unknown', title: 'Cause not determined', confidence: 'low', summary: 'x' } }), opts).html;
    expect(unknown).toContain('background:#59636e');
    expect(unknown).toContain('cause unknown');
    expect(renderEmail(resolvedOf(base), opts).html).toContain('background:#1a7f37');
  });
});
