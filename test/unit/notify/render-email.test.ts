import { describe, expect, it } from 'vitest';
import { emailMessageId, renderEmail } from '../../../src/notify/render-email.ts';
import { hugeDocument, oomDocument, resolvedOf } from '../../fixtures/notify/documents.ts';

const opts = { externalURL: 'http://alertmanager.example:9093', from: 'crashtriage <alerts@example.com>' };

describe('renderEmail', () => {
  it('firing → [FIRING] subject with namespace/pod and cause title', () => {
    expect(renderEmail(oomDocument(), opts).subject).toBe('[FIRING] payments/payment-svc-7b9f6d-xk2p: OOMKilled (exit 137)');
  });

  it('resolved → [RESOLVED] subject, duration, threads under the firing Message-ID', () => {
    const firing = renderEmail(oomDocument(), opts);
    const resolved = renderEmail(resolvedOf(oomDocument()), opts);
    expect(resolved.subject).toBe('[RESOLVED] payments/payment-svc-7b9f6d-xk2p: OOMKilled (exit 137)');
    expect(resolved.text).toContain('Resolved after 47m');
    expect(resolved.inReplyTo).toBe(firing.messageId);
    expect(resolved.references).toEqual([firing.messageId]);
    expect(resolved.messageId).not.toBe(firing.messageId);
  });

  it('Message-ID → deterministic from fingerprint and startsAt, qualified by the sender domain', () => {
    const doc = oomDocument();
    const id = emailMessageId(doc, opts.from, 'firing');
    expect(id).toMatch(/^<crashtriage\.[0-9a-f]{32}@example\.com>$/);
    expect(emailMessageId(oomDocument(), 'alerts@example.com', 'firing')).toBe(id);
    expect(emailMessageId({ alert: { ...doc.alert, startsAt: '2026-04-10T00:00:00Z' } }, opts.from, 'firing')).not.toBe(id);
  });

  it('plain text → readable: summary, proof, fix commands, log, escalation with real names, links', () => {
    const { text } = renderEmail(oomDocument(), opts);
    expect(text).toContain('[FIRING] payments/payment-svc-7b9f6d-xk2p: OOMKilled (exit 137)');
    expect(text).toContain('    kubectl rollout status deployment/payment-svc -n payments');
    expect(text).toContain('  | 2026-04-09T14:03:51Z WARN heap 498Mi of 512Mi <limit> & rising');
    expect(text).toContain('kubectl describe pod payment-svc-7b9f6d-xk2p -n payments');
    expect(text).toContain('Silence: http://alertmanager.example:9093/#/silences/new?filter=');
    expect(text).not.toContain('\u001b[');
  });

  it('HTML → escaped cluster text, no scripts, no external images, inline styles only', () => {
    const doc = oomDocument({
      cause: { id: 'app-crash', title: '<img src=x onerror=alert(1)>', confidence: 'low', summary: '<script>alert(1)</script> & "q"' },
    });
    const { html } = renderEmail(doc, opts);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;');
    expect(html).not.toMatch(/<(script|img|link|style|iframe|object)\b/i);
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
    expect(html).toContain('Could not read');
    expect(text).toContain('events: timeout after 5s reading events');
  });

  it('huge document → subject bounded, one line; every part rendered', () => {
    const m = renderEmail(hugeDocument(), opts);
    expect(m.subject.length).toBeLessThanOrEqual(200);
    expect(m.subject).not.toMatch(/[\r\n]/);
    expect(m.html).not.toContain('\u001b');
  });
});
