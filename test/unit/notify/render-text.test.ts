import { describe, expect, it } from 'vitest';
import { renderText } from '../../../src/notify/render-text.ts';
import { oomDocument, resolvedOf } from '../../fixtures/notify/documents.ts';

describe('renderText', () => {
  it('without colour → no escape sequences, the whole diagnosis readable', () => {
    const out = renderText(oomDocument(), { color: false });
    expect(out).not.toContain('\u001b');
    const lines = out.split('\n');
    // Decision first: header, deciding fact, the fix, the context line; details after.
    expect(lines[0]).toBe('[FIRING] payments/payment-svc: killed at its 512Mi memory limit');
    expect(lines[1]).toBe('Container status: Last State: Terminated, Reason: OOMKilled, Exit Code: 137, ran 42s (14:03:10 → 14:03:52)');
    expect(lines[3]).toBe('Fix: Raise the memory limit of payment-svc (Deployment/payment-svc)');
    expect(lines[4]).toMatch(/^ {4}kubectl patch deployment payment-svc -n payments -p /);
    expect(out).toContain(
      'sure fix · warning · KubePodCrashLooping · pod payment-svc-7b9f6d-xk2p · container payment-svc · cause oom-killed · confidence high: the kubelet recorded OOMKilled',
    );
    expect(out).toMatch(/ {2}Owner +Deployment\/payment-svc/);
    expect(out).toContain('  - [events] Warning BackOff (x47 over 30m)');
    expect(out).toContain('    kubectl top pod payment-svc-7b9f6d-xk2p -n payments');
  });

  it('with colour → ANSI codes around the status, yellow for a warning', () => {
    expect(renderText(oomDocument(), { color: true })).toContain('\u001b[33m[FIRING]\u001b[0m');
  });

  it('escape sequences from the log → stripped so they cannot drive the terminal', () => {
    const doc = oomDocument({ logs: { container: 'c', previous: true, excerpt: 'ok\u001b[2J\u001b]0;pwned\u0007 line', truncated: false } });
    const out = renderText(doc, { color: false });
    expect(out).not.toContain('\u001b');
    expect(out).not.toContain('\u0007');
    expect(out).toContain('  | ok]0;pwned line');
  });

  it('resolved → status and duration', () => {
    const out = renderText(resolvedOf(oomDocument()), { color: false });
    expect(out).toContain('[RESOLVED]');
    expect(out).toContain('Resolved after 47m');
    expect(out).toContain('If it comes back: Raise the memory limit');
  });
});
