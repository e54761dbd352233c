/**
 * Reads a container's log within fixed bounds and turns it into lines: the previous (terminated)
 * instance's, or the current one's when the container has not been restarted yet (a first run).
 *
 * The kubelet applies `tailLines` first and then stops after `limitBytes` counted from the start of
 * that tail (pkg/kubelet/kuberuntime/logs ReadLogs + LimitedWriter). So when the tail is larger than
 * the byte limit, what comes back is the *beginning* of the tail and the crash at the very end is
 * missing. In that case one more read asks for fewer lines, sized from what the first read showed;
 * that is the fourth and last API call an alert may cost.
 */
import type { LogFacts } from '../diagnosis/evidence.ts';
import type { KubeReader, LogRequest } from './reader.ts';

export const DEFAULT_LOG_REQUEST: LogRequest = { tailLines: 200, limitBytes: 64 * 1024 };

/** At most this share of the lines that fitted is asked for again, leaving room for longer lines. */
const RETRY_SHARE = 0.8;

export async function readLogFacts(
  kube: KubeReader,
  target: { namespace: string; pod: string; container: string },
  request: LogRequest,
  previous = true,
): Promise<LogFacts> {
  const read = (r: LogRequest): Promise<string> =>
    previous ? kube.readPreviousLog(target.namespace, target.pod, target.container, r) : kube.readCurrentLog(target.namespace, target.pod, target.container, r);
  const first = splitLog(await read(request), request);
  let result = first;
  if (first.cutByBytes && first.completeLines >= 2) {
    const tailLines = Math.max(1, Math.floor(first.completeLines * RETRY_SHARE));
    result = splitLog(await read({ ...request, tailLines }), { ...request, tailLines });
  }
  return {
    container: target.container,
    previous,
    lines: result.lines,
    // More came before lines[0] whenever a limit was reached, and always after a second read.
    truncated: result.cutByBytes || result.lines.length >= request.tailLines || result !== first,
  };
}

export interface SplitLog {
  lines: string[];
  /** Lines that ended with a newline (the last one may be partial when the byte limit cut it). */
  completeLines: number;
  /** The answer reached `limitBytes`, so the kubelet stopped early. */
  cutByBytes: boolean;
}

export function splitLog(text: string, request: LogRequest): SplitLog {
  // A cut inside a multi-byte character decodes to U+FFFD (3 bytes), so allow that much slack.
  const cutByBytes = Buffer.byteLength(text) >= request.limitBytes - 3;
  if (text === '') return { lines: [], completeLines: 0, cutByBytes: false };
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  if (endsWithNewline) lines.pop();
  return { lines, completeLines: endsWithNewline ? lines.length : lines.length - 1, cutByBytes };
}
