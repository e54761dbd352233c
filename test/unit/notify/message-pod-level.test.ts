/** Pod-level sub-causes in the message header, and the low severity of a normal shutdown. */
import { describe, expect, it } from 'vitest';
import { LOOKS, lookStyle } from '../../../src/notify/look.ts';
import { buildMessage } from '../../../src/notify/message.ts';
import { CORPUS_EXTERNAL_URL, corpusDocuments } from '../../support/corpus-documents.ts';

const corpus = corpusDocuments();
const message = (name: string) => {
  const c = corpus.find((x) => x.fixture.name === name);
  if (c === undefined) throw new Error(`no corpus case ${name}`);
  return buildMessage(c.document, { externalURL: CORPUS_EXTERNAL_URL });
};

describe('pod-level causes in the first message', () => {
  it('a container stopped by its pod’s deletion reads as a normal shutdown, at info severity though the alert says warning', () => {
    const m = message('sigterm-pod-deleting-rollout');
    expect(m.first.header).toContain('normal shutdown, not a crash');
    expect(m.first.severity).toBe('info');
  });

  it('a first Fix with nothing to change (who stopped it is known) reads "for information" at high confidence, whatever the severity label; a diagnostic one at medium', () => {
    const drained = message('sigterm-pod-deleting-drain-signal-field');
    expect(drained.first.primaryFix?.kind).toBe('no-change');
    expect(drained.first.look).toBe('sure');
    expect(drained.first.context.confidence).toMatch(/^high\b/);
    expect(lookStyle({ ...drained, first: { ...drained.first, severity: 'critical' } })).toBe(LOOKS.info);
    const rollout = message('sigterm-pod-deleting-rollout');
    expect(rollout.first.primaryFix?.kind).toBe('diagnostic');
    expect(rollout.first.context.confidence).toMatch(/^medium\b/);
  });

  it.each([
    ['sigkill-grace-period-exceeded', 'did not stop on SIGTERM in time'],
    ['sigkill-node-memory-pressure', 'node is short of memory'],
    ['sigkill-no-oom-no-probe', 'without an OOMKilled record'],
    ['evicted-node-memory-pressure', 'evicted: node low on memory'],
    ['unschedulable-unbound-pvc', 'unschedulable: unbound claim'],
  ])('%s → header says "%s", severity stays the alert’s', (name, words) => {
    const m = message(name);
    expect(m.first.header).toContain(words);
    expect(m.first.severity).toBe('warning');
  });
});
