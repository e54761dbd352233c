import { describe, expect, it } from 'vitest';
import { renderText } from '../../../src/notify/render-text.ts';
import { oomDocument, resolvedOf } from '../../fixtures/notify/documents.ts';

describe('renderText', () => {
  it('without colour → no escape sequences, the whole diagnosis readable', () => {
    const out = renderText(oomDocument(), { color: false });
    expect(out).not.toContain('\u001b');
    expect(out.split('\n')[0]).toBe('[FIRING] payments/payment-svc-7b9f6d-xk2p: OOMKilled (exit 137)');
    expect(out).toMatch(/ {2}Owner +Deployment\/payment-svc/);
    expect(out).toContain('  - [status] Last State: Terminated, Reason: OOMKilled, Exit Code: 137');
    expect(out).toContain('    kubectl rollout status deployment/payment-svc -n payments');
    expect(out).toContain('cause oom-killed · confidence high · alert KubePodCrashLooping');
  });

  it('with colour → ANSI codes around the status', () => {
    expect(renderText(oomDocument(), { color: true })).toContain('\u001b[31m[FIRING]\u001b[0m');
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
  });
});
