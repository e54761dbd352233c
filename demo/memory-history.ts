/**
 * The demo's Prometheus: a loopback stand-in of the query API (`/api/v1/query_range`) serving
 * synthesized memory series (test/fixtures/memory/shapes.ts) for the demo's two memory workloads, a
 * leak for the runtime OOM and an undersized limit for the OOM kill, renamed to their pods and scaled to
 * their limits. It answers the two queries crashtriage sends (working set per run, memory limit), taking
 * the namespace and container from the selector and `max_over_time` over each step, as Prometheus
 * would; it evaluates no other PromQL. No network: everything stays on 127.0.0.1.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { leak, retarget, type Shape, undersized } from '../test/fixtures/memory/shapes.ts';
import type { DemoWorkload } from './workloads.ts';

export interface DemoPrometheus {
  url: string;
  /** `namespace/pod` → the shape served for it (leak, undersized). */
  shapes: ReadonlyMap<string, string>;
  close(): Promise<void>;
}

function memoryLimit(w: DemoWorkload): number | undefined {
  const spec = w.rawPod['spec'] as { containers?: { name: string; resources?: { limits?: { memory?: string } } }[] } | undefined;
  const quantity = spec?.containers?.find((c) => c.name === w.container)?.resources?.limits?.memory;
  const m = /^(\d+)(Mi|Gi)$/.exec(quantity ?? '');
  return m === null ? undefined : Number(m[1]) * 1024 ** (m[2] === 'Gi' ? 3 : 2);
}

/** `max_over_time(x[step])` at each step: the highest sample in (t - step, t]. */
function resample(points: readonly [number, number][], start: number, end: number, step: number): [number, string][] {
  const out: [number, string][] = [];
  let i = 0;
  for (let t = start; t <= end; t += step) {
    let best: number | undefined;
    while (i < points.length && (points[i]?.[0] ?? 0) <= t) {
      const [pt, v] = points[i] ?? [0, 0];
      if (pt > t - step) best = Math.max(best ?? v, v);
      i++;
    }
    if (best !== undefined) out.push([t, String(best)]);
  }
  return out;
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => resolve(new URLSearchParams(req.method === 'GET' ? (req.url ?? '').split('?')[1] : body)));
  });
}

export async function startDemoPrometheus(workloads: readonly DemoWorkload[], now: Date): Promise<DemoPrometheus> {
  const end = Math.floor(now.getTime() / 1000);
  const served: Shape[] = [];
  const names = new Map<string, string>();
  const pick = (cause: string, make: (o: { end: number }) => Shape, scale: number): void => {
    const w = workloads.find((x) => x.expectedCause === cause);
    const limit = w === undefined ? undefined : memoryLimit(w);
    if (w === undefined || limit === undefined) return;
    served.push(
      retarget(
        make({ end }),
        { namespace: w.namespace, pod: w.pod, container: w.container, owner: { kind: 'Deployment', name: w.pod }, limitBytes: limit },
        scale,
      ),
    );
    names.set(`${w.namespace}/${w.pod}`, make({ end }).name);
  };
  // The Node.js heap gives out well below the container limit (V8's own cap): a leak that dies at ~60% of it.
  pick('runtime-oom', leak, 0.6);
  pick('oom-killed', undersized, 1);

  const server = createServer(async (req, res) => {
    const form = await readForm(req);
    if (!(req.url ?? '').startsWith('/api/v1/query_range')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
      return;
    }
    const query = form.get('query') ?? '';
    const namespace = /namespace="([^"]*)"/.exec(query)?.[1];
    const container = /container="([^"]*)"/.exec(query)?.[1];
    const start = Number(form.get('start'));
    const stop = Number(form.get('end'));
    const step = Number.parseInt(form.get('step') ?? '60', 10);
    const shape = served.find((s) => s.namespace === namespace && s.container === container);
    const result =
      shape === undefined
        ? []
        : query.includes('container_memory_working_set_bytes')
          ? shape.series.map((s) => ({ metric: { pod: s.pod, id: s.id }, values: resample(s.points, start, stop, step) })).filter((s) => s.values.length > 0)
          : [...new Set(shape.series.map((s) => s.pod))].map((pod) => ({
              metric: { pod },
              values: resample(
                shape.series.filter((s) => s.pod === pod).flatMap((s) => s.points.map(([t]) => [t, shape.limitBytes] as [number, number])),
                start,
                stop,
                step,
              ),
            }));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    shapes: names,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
