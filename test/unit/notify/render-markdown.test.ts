import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../src/notify/render-markdown.ts';
import { oomDocument, resolvedOf } from '../../fixtures/notify/documents.ts';

describe('renderMarkdown', () => {
  it('leads with the header, deciding fact and the fix as a sh block; details after', () => {
    const md = renderMarkdown(oomDocument());
    expect(md.split('\n')[0]).toBe('## FIRING: payments/payment-svc: killed at its 512Mi memory limit');
    expect(md).toMatch(/\*\*Container status:\*\* `Last State: Terminated, Reason: OOMKilled/);
    expect(md).toMatch(/\*\*Fix: Raise the memory limit of payment-svc \(Deployment\/payment-svc\)\*\*\n\n```sh\nkubectl patch /);
    expect(md.indexOf('**Fix:')).toBeLessThan(md.indexOf('### What happened'));
    expect(md).toContain('| Namespace | `payments` |');
    expect(md).toContain('### Other fixes');
    expect(md).toContain('### Verify');
    // High confidence: no escalation checklist.
    expect(md).not.toContain('Escalation');
  });

  it('unknown cause → the escalation checklist', () => {
    const md = renderMarkdown(oomDocument({ cause: { id: 'unknown', title: 'Cause not determined', confidence: 'low', summary: 'Not enough evidence.' } }));
    expect(md).toContain('<details><summary>Escalation: what to collect</summary>');
  });

  it('says resolved and leaves the escalation out', () => {
    const md = renderMarkdown(resolvedOf(oomDocument()));
    expect(md).toMatch(/^## RESOLVED: /);
    expect(md).toMatch(/_Resolved after .+_/);
    expect(md).not.toContain('Escalation');
  });

  it('keeps cluster text from becoming markup: prose escaped, backticks fenced longer', () => {
    const doc = oomDocument({
      problems: [{ source: 'logs', message: 'forbidden: <script>alert(1)</script> *bold* [link](http://x)' }],
      findings: [{ id: 'x', text: 'Image `evil` | pipes # heading' }],
    });
    doc.evidence = [{ source: 'logs', text: 'a `b` c' }];
    doc.logs = { container: 'app', previous: true, excerpt: 'line ```` fence\nnext', truncated: false };
    const md = renderMarkdown(doc);
    expect(md).toContain('\\<script\\>alert(1)\\</script\\> \\*bold\\* \\[link\\](http://x)');
    expect(md).toContain('Image \\`evil\\` \\| pipes \\# heading');
    expect(md).toContain('`` a `b` c ``');
    expect(md).toContain('`````\nline ```` fence\nnext\n`````');
  });

  it('keeps every table row at two cells whatever a value holds: | escaped, backticks fenced', () => {
    const doc = oomDocument();
    doc.target = { ...doc.target, pod: 'web|1', container: 'a`|`b', image: 'registry.example/app:1.0 | rm -rf' };
    doc.alert = { ...doc.alert, labels: { ...doc.alert.labels, cluster: 'eu | ``prod``' } };
    const md = renderMarkdown(doc);
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---') && l !== '| | |');
    expect(rows.length).toBeGreaterThanOrEqual(5);
    // GitHub-flavoured Markdown splits a row at every pipe not escaped by a backslash.
    for (const row of rows) expect(row.match(/(?<!\\)\|/g), row).toHaveLength(3);
    expect(md).toContain('| Pod | `web\\|1` |');
    expect(md).toContain('| Container | `` a`\\|`b `` |');
    expect(md).toContain('| Cluster | ``` eu \\| ``prod`` ``` |');
  });

  it('shows what could not be read, and omits empty sections', () => {
    const doc = oomDocument({ evidence: [], remedies: [], verify: [], findings: [], problems: [{ source: 'pod', message: 'pods "x" not found' }] });
    delete doc.logs;
    const md = renderMarkdown(doc);
    expect(md).toContain('**Could not read**');
    for (const heading of ['### More proof', '**Fix', '### Other fixes', '### Verify', '### Log', '### Also noticed']) expect(md).not.toContain(heading);
  });
});
