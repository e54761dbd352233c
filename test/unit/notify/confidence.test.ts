/**
 * The confidence reason names the evidence actually used: "the last exit" only when the kubelet
 * recorded one (a container that never started has a waiting reason, a pod-level cause a pod status).
 */
import { describe, expect, it } from 'vitest';
import { buildMessage } from '../../../src/notify/message.ts';
import { CORPUS_EXTERNAL_URL, corpusDocuments } from '../../support/corpus-documents.ts';

const cases = corpusDocuments().map((c) => [c.fixture.name, c.document] as const);

describe('confidence reason over the corpus', () => {
  it.each(cases)('%s: names only evidence the message decided on', (_name, document) => {
    const { first } = buildMessage(document, { externalURL: CORPUS_EXTERNAL_URL });
    const reason = first.context.confidence;
    const status = first.deciding.filter((d) => d.source === 'status').map((d) => d.text);
    if (reason.includes('record of the last exit')) expect(status.some((t) => t.startsWith('Last state: Terminated'))).toBe(true);
    if (reason.includes('record of the exit')) expect(status.some((t) => t.startsWith('State: Terminated'))).toBe(true);
    if (status.some((t) => t.startsWith('State: Waiting'))) expect(reason).not.toMatch(/\bexit\b/);
  });

  it('a container that never started is judged by its waiting reason', () => {
    const pull = cases.find(([name]) => name === 'image-pull-tag-not-found')?.[1];
    expect(pull).toBeDefined();
    if (pull === undefined) return;
    expect(buildMessage(pull, { externalURL: '' }).first.context.confidence).toContain("the container's waiting reason");
  });
});
