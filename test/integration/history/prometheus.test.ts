/**
 * The memory history read from a real Prometheus (Debian's package, on loopback, its TSDB built by
 * promtool from the shapes' series): each shape's verdict through the HTTP API, the diagnosis it
 * produces, and the failure modes that must leave today's advice and a problem instead.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../../src/diagnosis/document.ts';
import type { Evidence } from '../../../src/diagnosis/evidence.ts';
import { decide } from '../../../src/history/decide.ts';
import { createMemoryHistorySource } from '../../../src/history/index.ts';
import { createPrometheusClient } from '../../../src/history/prometheus.ts';
import { readMemoryHistory } from '../../../src/history/read.ts';
import { healthy, leak, MI, type Shape, spike, undersized } from '../../fixtures/memory/shapes.ts';
import { freePort } from '../../support/free-port.ts';
import { type RunningPrometheus, startPrometheus } from '../../support/prometheus.ts';

const END = Math.floor(Date.now() / 60_000) * 60 - 120;
const shapes = { leak: leak({ end: END }), undersized: undersized({ end: END }), spike: spike({ end: END }), healthy: healthy({ end: END }) };

let prometheus: RunningPrometheus;
beforeAll(async () => {
  prometheus = await startPrometheus(Object.values(shapes));
}, 60_000);
afterAll(async () => {
  await prometheus?.stop();
});

const target = (s: Shape) => ({ namespace: s.namespace, pod: s.pod, container: s.container, owner: s.owner });

function evidenceFor(s: Shape, limit = `${s.limitBytes / MI}Mi`): Evidence {
  const container = {
    name: s.container,
    init: false,
    image: 'registry.example/app:1.4.2',
    restartCount: 5,
    ready: false,
    resources: { requests: { memory: limit }, limits: { memory: limit } },
    probes: {},
    command: [],
    args: [],
    ports: [],
    env: [],
    envFrom: [],
    volumeMounts: [],
  };
  return {
    now: new Date(END * 1000).toISOString(),
    target: { namespace: s.namespace, pod: s.pod, container: s.container },
    pod: {
      name: s.pod,
      namespace: s.namespace,
      restartPolicy: 'Always',
      conditions: [],
      owner: s.owner,
      labels: {},
      containers: [container],
      initContainers: [],
      volumes: [],
    },
    container,
    events: [],
    problems: [],
  };
}

const oomDiagnosis: Diagnosis = {
  cause: { id: 'oom-killed', title: 'OOMKilled (exit 137)', confidence: 'high', summary: 'The kernel killed the container at its memory limit.' },
  evidence: [{ source: 'status', text: 'lastState.terminated: reason OOMKilled, exit 137' }],
  remedies: [
    { kind: 'remedy', title: 'Raise the memory limit from 512Mi to 1Gi', commands: ['kubectl set resources …'] },
    { kind: 'diagnostic', title: 'Then tell a leak from an undersized limit', commands: ['kubectl top pod x'] },
  ],
  verify: [],
  findings: [],
};

describe('memory history from a real Prometheus', () => {
  it.each([
    ['leak', 'leak'],
    ['undersized', 'undersized'],
    ['spike', 'spike'],
    ['healthy', 'no-kill'],
  ] as const)('reads the %s container and decides %s', async (name, kind) => {
    const client = createPrometheusClient({ url: prometheus.url, timeoutMs: 5000, maxResponseBytes: 4 * 1024 * 1024 });
    try {
      const shape = shapes[name];
      const read = await readMemoryHistory(client, target(shape), { end: END, hours: 6 });
      expect(read.history.limitBytes).toBe(shape.limitBytes);
      expect(read.runs.length).toBeGreaterThan(0);
      expect(decide(read.runs, read.history.stepSeconds, read.history.limitBytes).kind).toBe(kind);
    } finally {
      await client.close();
    }
  });

  it('reads the workload’s other pods too (by the owner), and not other workloads', async () => {
    const client = createPrometheusClient({ url: prometheus.url, timeoutMs: 5000, maxResponseBytes: 4 * 1024 * 1024 });
    try {
      const read = await readMemoryHistory(client, target(shapes.leak), { end: END, hours: 6 });
      expect(new Set(read.history.runs.map((r) => r.pod))).toEqual(new Set(['api-7d9f8b6c5-x2x4q', 'api-7d9f8b6c5-b8k2m']));
      const { owner: _owner, ...ownerless } = target(shapes.leak);
      const byName = await readMemoryHistory(client, ownerless, { end: END, hours: 6 });
      expect(new Set(byName.history.runs.map((r) => r.pod))).toEqual(new Set(['api-7d9f8b6c5-x2x4q', 'api-7d9f8b6c5-b8k2m']));
    } finally {
      await client.close();
    }
  });

  it('turns a leak into memory-leak with its numbers, a profile hint and a limit that buys hours', async () => {
    const source = createMemoryHistorySource(createPrometheusClient({ url: prometheus.url, timeoutMs: 5000, maxResponseBytes: 4 * 1024 * 1024 }), {
      windowHours: 6,
    });
    try {
      const { diagnosis, problem } = await source.enrich(evidenceFor(shapes.leak), oomDiagnosis);
      expect(problem).toBeUndefined();
      expect(diagnosis.cause.detail).toBe('memory-leak');
      expect(diagnosis.cause.summary).toMatch(/leak: \+1\d\dMi\/h/);
      const proof = diagnosis.evidence.filter((e) => e.source === 'metrics').map((e) => e.text);
      expect(proof[0]).toMatch(/^memory, last 6 h: [▁▂▃▄▅▆▇█·]+ {2}min \d+Mi · max \d+Mi · limit 512Mi$/);
      expect(proof.join('\n')).toMatch(/peak before each kill: (\d+Mi, )+\d+Mi/);
      expect(diagnosis.remedies[0]?.title).toMatch(/^A leak: fix the code\. Raising the limit to 1Gi only buys about \d\.\d h per run$/);
      expect(diagnosis.remedies[0]?.commands).toContain('kubectl set resources deployment/api -n shop -c api --limits=memory=1Gi --requests=memory=1Gi');
      expect(diagnosis.remedies.map((r) => r.title).join('\n')).not.toMatch(/Then tell a leak|Raise the memory limit from/);
      expect(diagnosis.memory?.kills.length).toBeGreaterThanOrEqual(3);
    } finally {
      await source.close();
    }
  });

  it('turns an undersized limit into limit-undersized with the new limit from the peak', async () => {
    const source = createMemoryHistorySource(createPrometheusClient({ url: prometheus.url, timeoutMs: 5000, maxResponseBytes: 4 * 1024 * 1024 }), {
      windowHours: 6,
    });
    try {
      const { diagnosis } = await source.enrich(evidenceFor(shapes.undersized), oomDiagnosis);
      expect(diagnosis.cause.detail).toBe('limit-undersized');
      // Usage sat at the 256Mi limit: +50% rounded up to 64Mi steps.
      expect(diagnosis.remedies[0]?.commands).toEqual([
        'kubectl set resources deployment/worker -n batch -c worker --limits=memory=384Mi --requests=memory=384Mi',
      ]);
    } finally {
      await source.close();
    }
  });

  it('leaves other causes alone without asking Prometheus', async () => {
    const source = createMemoryHistorySource(createPrometheusClient({ url: 'http://127.0.0.1:9', timeoutMs: 500, maxResponseBytes: 1024 }), { windowHours: 6 });
    const crash = { ...oomDiagnosis, cause: { ...oomDiagnosis.cause, id: 'app-crash' as const } };
    expect(await source.enrich(evidenceFor(shapes.leak), crash)).toEqual({ diagnosis: crash });
    await source.close();
  });

  it('says so in a problem when the answer is larger than the cap, and keeps the advice', async () => {
    const source = createMemoryHistorySource(createPrometheusClient({ url: prometheus.url, timeoutMs: 5000, maxResponseBytes: 2000 }), { windowHours: 6 });
    try {
      const { diagnosis, problem } = await source.enrich(evidenceFor(shapes.leak), oomDiagnosis);
      expect(diagnosis).toEqual(oomDiagnosis);
      expect(problem).toMatchObject({ source: 'prometheus', kind: 'other', message: expect.stringMatching(/larger than 2 KiB/) });
    } finally {
      await source.close();
    }
  });
});

describe('when Prometheus cannot be read', () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers.authorization ?? '');
      if (req.url?.startsWith('/hang')) return; // never answers
      if (req.url?.startsWith('/html')) {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in to continue</body></html>');
        return;
      }
      if (req.url?.startsWith('/auth')) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="prometheus"' }).end('Unauthorized\n');
        return;
      }
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error at char 5' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it.each([
    ['a server that never answers', '/hang', 'timeout', /within 300 ms/],
    ['a login page with status 200', '/html', 'other', /not JSON \(a proxy or login page/],
    ['refused credentials', '/auth', 'unauthorized', /refused the credentials \(401\)/],
    ['a refused query', '/bad', 'bad-request', /HTTP 400: parse error at char 5/],
  ])('%s → a problem, today’s advice kept', async (_name, path, kind, message) => {
    const source = createMemoryHistorySource(
      createPrometheusClient({
        url: `${url}${path}`,
        timeoutMs: 300,
        maxResponseBytes: 65536,
        basicAuth: { username: 'crashtriage', password: 's3cret-pass' },
      }),
      { windowHours: 6 },
    );
    try {
      const { diagnosis, problem } = await source.enrich(evidenceFor(shapes.leak), oomDiagnosis);
      expect(diagnosis).toEqual(oomDiagnosis);
      expect(problem).toMatchObject({ source: 'prometheus', kind, message: expect.stringMatching(message) });
      expect(problem?.message).not.toContain('s3cret-pass');
    } finally {
      await source.close();
    }
  });

  it('sends basic auth or a bearer token as configured', async () => {
    seen.length = 0;
    const bearer = createPrometheusClient({ url: `${url}/auth`, timeoutMs: 1000, maxResponseBytes: 1024, bearerToken: 'tok-123' });
    await expect(bearer.queryRange('up', { start: 0, end: 60, stepSeconds: 60 })).rejects.toThrow(/401/);
    await bearer.close();
    const basic = createPrometheusClient({ url: `${url}/auth`, timeoutMs: 1000, maxResponseBytes: 1024, basicAuth: { username: 'u', password: 'p' } });
    await expect(basic.queryRange('up', { start: 0, end: 60, stepSeconds: 60 })).rejects.toThrow(/401/);
    await basic.close();
    expect(seen).toEqual(['Bearer tok-123', `Basic ${Buffer.from('u:p').toString('base64')}`]);
  });

  it('says where it could not connect, without the credentials', async () => {
    const port = await freePort();
    const client = createPrometheusClient({ url: `http://user:pw@127.0.0.1:${port}`, timeoutMs: 1000, maxResponseBytes: 1024 });
    await expect(client.queryRange('up', { start: 0, end: 60, stepSeconds: 60 })).rejects.toThrow(
      `cannot reach Prometheus at http://127.0.0.1:${port} (ECONNREFUSED)`,
    );
    await client.close();
  });
});
