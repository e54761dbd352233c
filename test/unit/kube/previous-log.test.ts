import { describe, expect, it } from 'vitest';
import { readLogFacts, splitLog } from '../../../src/kube/previous-log.ts';
import type { KubeReader, LogRequest } from '../../../src/kube/reader.ts';
import { kubeletLogWindow } from '../../support/kube-fixtures-status.ts';

/** A reader whose log answers follow the kubelet's window rule over `log`. */
function logReader(log: string): KubeReader & { requests: LogRequest[] } {
  const requests: LogRequest[] = [];
  return {
    requests,
    readPod: () => Promise.reject(new Error('unused')),
    listPodEvents: () => Promise.reject(new Error('unused')),
    readNode: () => Promise.reject(new Error('unused')),
    listServices: () => Promise.reject(new Error('unused')),
    readClaim: () => Promise.reject(new Error('unused')),
    listStorageClasses: () => Promise.reject(new Error('unused')),
    readPreviousLog: async (_ns, _pod, _c, request) => {
      requests.push(request);
      return kubeletLogWindow(Buffer.from(log), request.tailLines, request.limitBytes).toString();
    },
    readCurrentLog: () => Promise.reject(new Error('unused')),
  };
}
const target = { namespace: 'n', pod: 'p', container: 'c' };

describe('splitLog', () => {
  it('splits lines, drops the final newline, keeps a last partial line', () => {
    expect(splitLog('a\nb\n', { tailLines: 10, limitBytes: 100 })).toEqual({ lines: ['a', 'b'], completeLines: 2, cutByBytes: false });
    expect(splitLog('a\nb', { tailLines: 10, limitBytes: 100 })).toEqual({ lines: ['a', 'b'], completeLines: 1, cutByBytes: false });
    expect(splitLog('', { tailLines: 10, limitBytes: 100 })).toEqual({ lines: [], completeLines: 0, cutByBytes: false });
  });
  it('an answer as long as limitBytes was cut by it', () => {
    expect(splitLog('x'.repeat(100), { tailLines: 10, limitBytes: 100 }).cutByBytes).toBe(true);
  });
});

describe('readLogFacts', () => {
  it('a short log → one read, not truncated', async () => {
    const kube = logReader('one\ntwo\n');
    const facts = await readLogFacts(kube, target, { tailLines: 200, limitBytes: 1024 });
    expect(facts).toEqual({ container: 'c', previous: true, lines: ['one', 'two'], truncated: false });
    expect(kube.requests).toHaveLength(1);
  });

  it('more lines than tailLines → the last tailLines lines, truncated', async () => {
    const log = `${Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n')}\n`;
    const facts = await readLogFacts(logReader(log), target, { tailLines: 200, limitBytes: 64 * 1024 });
    expect(facts.lines).toHaveLength(200);
    expect(facts.lines.at(-1)).toBe('line 499');
    expect(facts.truncated).toBe(true);
  });

  it('long lines: the byte limit cut the end of the tail → a second, shorter read reaches the last line', async () => {
    const log = `${Array.from({ length: 400 }, (_, i) => `${i} ${'x'.repeat(1000)}`).join('\n')}\npanic: the end\n`;
    const kube = logReader(log);
    const facts = await readLogFacts(kube, target, { tailLines: 200, limitBytes: 64 * 1024 });
    expect(kube.requests).toHaveLength(2);
    expect(kube.requests[1]?.tailLines).toBeLessThan(64);
    expect(facts.lines.at(-1)).toBe('panic: the end');
    expect(facts.truncated).toBe(true);
  });

  it('one huge line → a single read cut at limitBytes, kept as a partial line', async () => {
    const kube = logReader('y'.repeat(200_000));
    const facts = await readLogFacts(kube, target, { tailLines: 200, limitBytes: 1000 });
    expect(kube.requests).toHaveLength(1);
    expect(facts.lines).toEqual(['y'.repeat(1000)]);
    expect(facts.truncated).toBe(true);
  });
});
