/**
 * The memory verdict in the diagnosis: `cause.detail`, proof lines with the numbers, and the fix that
 * follows (a leak: a bigger limit only buys hours, profile the heap; an undersized limit: the new
 * limit from the observed peak). Today's "first tell a leak from an undersized limit" advice is
 * replaced once the history has told them apart. Pure.
 */
import type { CauseDetail, Diagnosis, EvidenceLine, MemoryHistory, Remedy } from '../diagnosis/document.ts';
import { HEAP_SHARE } from '../diagnosis/heap-flags.ts';
import { shq } from '../diagnosis/shell.ts';
import type { MemoryVerdict } from './decide.ts';
import { bytesShort, sparkline } from './sparkline.ts';

export interface MemoryContext {
  namespace: string;
  pod: string;
  container: string;
  /** `deployment/api` when the owner takes `kubectl set resources`; undefined for bare pods and Jobs. */
  workloadRef?: string;
  /** Set both request and limit when they were equal (Guaranteed QoS stays Guaranteed). */
  requestEqualsLimit: boolean;
  runtime?: string;
  /** The container's NODE_OPTIONS as set, kept when a flag is added. */
  nodeOptions?: string;
  /** The heap an absolute flag caps (-Xmx768m, --max-old-space-size): a raised limit must leave it room. */
  heapBytes?: number;
  windowHours: number;
}

/** Remedies the verdict replaces: the "which one is it" advice and the blind ×2. */
const UNDECIDED_ADVICE = /^(?:Then tell a leak|Raise the memory limit from|The limit is too small for it to start)/;

const MI = 1024 ** 2;
const GI = 1024 ** 3;

/** Up to a round number: 64Mi steps below 1Gi, 256Mi above, so the value reads as chosen. */
export function roundUpLimit(bytes: number): number {
  const step = bytes < GI ? 64 * MI : 256 * MI;
  return Math.ceil(bytes / step) * step;
}

/** A Kubernetes quantity: 768Mi, 2Gi. */
function quantity(bytes: number): string {
  return bytes % GI === 0 ? `${bytes / GI}Gi` : `${Math.ceil(bytes / MI)}Mi`;
}

function hours(h: number): string {
  return h >= 10 ? `${Math.round(h)} h` : h >= 1 ? `${h.toFixed(1)} h` : `${Math.max(1, Math.round(h * 60))} min`;
}

function clock(unixSeconds: number): string {
  return `${new Date(unixSeconds * 1000).toISOString().slice(11, 16)} UTC`;
}

function setLimit(ctx: MemoryContext, bytes: number): string[] {
  const q = quantity(bytes);
  if (ctx.workloadRef === undefined)
    return [`# the pod's owner cannot be patched in place: set resources.limits.memory: ${q} in its manifest and re-create it`];
  const requests = ctx.requestEqualsLimit ? ` --requests=memory=${q}` : '';
  return [`kubectl set resources ${ctx.workloadRef} -n ${shq(ctx.namespace)} -c ${shq(ctx.container)} --limits=memory=${q}${requests}`];
}

/** How to see what grows, per runtime: a heap dump or profile taken before the next kill. */
function heapProfile(ctx: MemoryContext): string[] {
  const where = `-n ${shq(ctx.namespace)} ${shq(ctx.pod)} -c ${shq(ctx.container)}`;
  switch (ctx.runtime) {
    case 'jvm':
      return [
        `kubectl exec ${where} -- jcmd 1 GC.heap_dump /tmp/heap.hprof   # needs the JDK's jcmd in the image`,
        `kubectl cp -n ${shq(ctx.namespace)} -c ${shq(ctx.container)} ${shq(`${ctx.pod}:/tmp/heap.hprof`)} heap.hprof   # open in Eclipse MAT or VisualVM`,
      ];
    case 'go':
      return [
        `kubectl port-forward -n ${shq(ctx.namespace)} pod/${ctx.pod} 6060:6060`,
        'go tool pprof -top http://localhost:6060/debug/pprof/heap   # needs net/http/pprof',
      ];
    case 'node': {
      const flags = [
        ...(ctx.nodeOptions ?? '').split(/\s+/).filter((f) => f !== '' && !f.startsWith('--heapsnapshot-signal')),
        '--heapsnapshot-signal=SIGUSR2',
      ].join(' ');
      const target = ctx.workloadRef ?? `pod/${ctx.pod}`;
      return [
        ctx.workloadRef === undefined
          ? `# add --heapsnapshot-signal=SIGUSR2 to NODE_OPTIONS in the pod's manifest, then:`
          : `kubectl set env ${ctx.workloadRef} -n ${shq(ctx.namespace)} -c ${shq(ctx.container)} ${shq(`NODE_OPTIONS=${flags}`)}`,
        `kubectl exec -n ${shq(ctx.namespace)} ${target} -c ${shq(ctx.container)} -- kill -USR2 1   # a heap snapshot; again an hour later`,
        '# copy both Heap.*.heapsnapshot files out (kubectl cp) and compare them in Chrome DevTools (Memory tab, Comparison view)',
      ];
    }
    case 'python':
      return ['# tracemalloc: take a snapshot at start and an hour later, print snapshot.compare_to(first, "lineno")[:20]'];
    default:
      // No profiler known for the runtime; the growth rate a `kubectl top` would measure is in the message already.
      return [];
  }
}

/** The heap profile that finds the leak, then the raised limit that means fewer kills meanwhile (alone when no profiler is known). */
function leakCommands(profile: string[], raise: string[]): string[] {
  if (profile.length === 0 || raise.length === 0) return [...profile, ...raise];
  return [...profile, '# meanwhile, fewer kills:', ...raise];
}

interface Said {
  detail?: CauseDetail;
  /** Appended to the cause's summary. */
  sentence?: string;
  /** The chart's subtitle: the verdict in under 90 characters. */
  headline?: string;
  proof: string[];
  remedies: (ctx: MemoryContext) => Remedy[];
}

function verdictLines(v: MemoryVerdict, limit: number | undefined): Said {
  const peaks = 'peaks' in v && v.peaks.length > 0 ? `peak before each kill: ${v.peaks.slice(-6).map(bytesShort).join(', ')}` : '';
  const limitText = limit === undefined ? 'no limit' : `the ${bytesShort(limit)} limit`;
  switch (v.kind) {
    case 'leak': {
      const where = v.atLimit ? `reaching ${limitText}` : `dying at about ${bytesShort(v.ceilingBytes)} (below ${limitText}: the runtime's heap cap)`;
      const reach = v.hoursToLimit === undefined ? '' : `, ${where} ${hours(v.hoursToLimit)} after each start`;
      // At the limit, a doubled limit buys its extra room; below it, the heap cap has to grow too.
      const raised = limit === undefined ? undefined : roundUpLimit(limit * 2);
      const room = v.atLimit ? (raised === undefined || limit === undefined ? undefined : raised - limit) : v.ceilingBytes;
      const buys = room === undefined || v.slopePerHour <= 0 ? undefined : room / v.slopePerHour;
      const what = v.atLimit ? `Raising the limit${raised === undefined ? '' : ` to ${quantity(raised)}`}` : 'Doubling the heap (and the limit with it)';
      return {
        detail: 'memory-leak',
        headline: v.atLimit
          ? `leak: +${bytesShort(v.slopePerHour)}/h from ~${bytesShort(v.startBytes)}, at the limit ${v.hoursToLimit === undefined ? 'in time' : hours(v.hoursToLimit)} after each start`
          : `leak: +${bytesShort(v.slopePerHour)}/h from ~${bytesShort(v.startBytes)}, dies at ~${bytesShort(v.ceilingBytes)} (heap cap)${v.hoursToLimit === undefined ? '' : ` ${hours(v.hoursToLimit)} after each start`}`,
        sentence: `Prometheus shows a leak: +${bytesShort(v.slopePerHour)}/h from about ${bytesShort(v.startBytes)}${reach}.`,
        proof: [
          `${v.agreeing} of ${v.kills} runs climbed steadily until killed: +${bytesShort(v.slopePerHour)}/h from about ${bytesShort(v.startBytes)}${reach}`,
          peaks,
        ],
        remedies: (ctx) => [
          {
            kind: 'remedy',
            title: `A leak: fix the code. ${what} only buys${buys === undefined ? ' time' : ` about ${hours(buys)}`} per run`,
            commands: leakCommands(heapProfile(ctx), raised === undefined || !v.atLimit ? [] : setLimit(ctx, raised)),
          },
        ],
      };
    }
    case 'undersized': {
      const fromPeak = roundUpLimit(v.clipped && limit !== undefined ? limit * 1.5 : v.plateauBytes * 1.25);
      const floor = limit === undefined ? 0 : roundUpLimit(limit * 1.25);
      const byUsage = Math.max(fromPeak, floor);
      const usageWhy = v.clipped
        ? `usage sat at ${limitText}, so it needs more than that: +50%, then trim to the new peak + 25%`
        : fromPeak >= floor
          ? `the observed peak ${bytesShort(v.plateauBytes)} + 25% headroom`
          : `usage levels off at ${bytesShort(v.plateauBytes)}, below the limit: the runtime's own cap ran out; raise it with the limit`;

      return {
        detail: 'limit-undersized',
        headline: `undersized limit: at ${bytesShort(v.plateauBytes)} within ${hours(v.minutesToPlateau / 60)} of each start, then a plateau`,
        sentence: `Prometheus shows an undersized limit: usage reaches ${bytesShort(v.plateauBytes)} within ${hours(v.minutesToPlateau / 60)} of each start and stays there.`,
        proof: [
          `${v.agreeing} of ${v.kills} runs reached ${bytesShort(v.plateauBytes)} within ${hours(v.minutesToPlateau / 60)} and stayed there until killed (a plateau, not a climb)`,
          peaks,
        ],
        remedies: (ctx) => {
          // A heap flag of its own stays as written: the limit must hold that heap and all the rest.
          const forHeap = ctx.heapBytes === undefined ? 0 : roundUpLimit(ctx.heapBytes / HEAP_SHARE);
          const next = Math.max(byUsage, forHeap);
          const why = forHeap > byUsage ? `its ${bytesShort(ctx.heapBytes ?? 0)} heap flag needs room under the limit: heap ÷ ${HEAP_SHARE}` : usageWhy;
          return [
            {
              kind: 'remedy',
              title: `The limit is too small: raise it${limit === undefined ? '' : ` from ${bytesShort(limit)}`} to ${quantity(next)} (${why})`,
              commands: setLimit(ctx, next),
            },
          ];
        },
      };
    }
    case 'spike': {
      const next = roundUpLimit(v.toBytes * 1.25);
      return {
        detail: 'memory-spike',
        headline: `spike: ${bytesShort(v.fromBytes)} → ${bytesShort(v.toBytes)} within ${Math.round(v.riseSeconds)} s (last at ${clock(v.at)}), then killed`,
        sentence: `Prometheus shows a spike: flat at ${bytesShort(v.fromBytes)}, then ${bytesShort(v.toBytes)} within ${Math.round(v.riseSeconds)} s (last at ${clock(v.at)}).`,
        proof: [
          `${v.agreeing} of ${v.kills} runs were flat, then rose from ${bytesShort(v.fromBytes)} to ${bytesShort(v.toBytes)} within ${Math.round(v.riseSeconds)} s and were killed (last rise at ${clock(v.at)})`,
          peaks,
        ],
        remedies: (ctx) => [
          {
            kind: 'remedy',
            title: `A burst: find what ran at ${clock(v.at)} (a large request, a batch, a report) and bound it; or give the burst room (${quantity(next)})`,
            commands: [
              `kubectl logs -n ${shq(ctx.namespace)} ${shq(ctx.pod)} -c ${shq(ctx.container)} --previous --timestamps | tail -n 50`,
              '# bound the burst: page or batch size, request body size, concurrency',
              ...setLimit(ctx, next),
            ],
          },
        ],
      };
    }
    case 'unclear':
      return { proof: [`${v.kills} kills in the window, no single pattern (runs read as: ${v.shapes.join(', ')})`, peaks], remedies: () => [] };
    case 'no-kill':
      return {
        proof: [
          `no kill of this container in Prometheus' history${v.peakBytes === undefined ? '' : ` (peak ${bytesShort(v.peakBytes)}${v.lastBytes === undefined ? '' : `, now ${bytesShort(v.lastBytes)}`})`}`,
        ],
        remedies: () => [],
      };
  }
}

export function explainMemory(diagnosis: Diagnosis, verdict: MemoryVerdict, history: MemoryHistory, ctx: MemoryContext): Diagnosis {
  const said = verdictLines(verdict, history.limitBytes);
  const chart = sparkline(history);
  const proof: EvidenceLine[] = [
    ...(chart === '' ? [] : [{ source: 'metrics' as const, text: `memory, last ${ctx.windowHours} h: ${chart}` }]),
    ...said.proof.filter((t) => t !== '').map((text) => ({ source: 'metrics' as const, text })),
  ];
  const fixes = said.remedies(ctx);
  return {
    ...diagnosis,
    cause: {
      ...diagnosis.cause,
      ...(said.detail === undefined ? {} : { detail: said.detail }),
      ...(said.sentence === undefined ? {} : { summary: `${diagnosis.cause.summary} ${said.sentence}` }),
    },
    evidence: [...diagnosis.evidence, ...proof],
    remedies: fixes.length === 0 ? diagnosis.remedies : [...fixes, ...diagnosis.remedies.filter((r) => !UNDECIDED_ADVICE.test(r.title))],
    memory: { ...history, verdict: said.headline ?? said.proof[0] ?? '' },
  };
}
