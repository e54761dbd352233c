/**
 * Branches the corpus does not reach: owner kinds (Job, bare pod, ReplicaSet), probe handler kinds,
 * container selection, problems, unusual runtime messages. Raw pods go through the real converters.
 */
import type { IContainer, IEvent, IPod } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import type { Diagnosis } from '../../../src/diagnosis/document.ts';
import type { Problem } from '../../../src/diagnosis/evidence.ts';
import { fixtures } from '../../fixtures/diagnosis/index.ts';
import { event, pod, terminated } from '../../fixtures/diagnosis/k8s.ts';
import { type CrashInput, crashingPod, waitingPod } from '../../fixtures/diagnosis/scenario.ts';
import { toEvidence } from '../../fixtures/diagnosis/to-evidence.ts';

function run(p: IPod, opts: { events?: IEvent[]; log?: string; problems?: Problem[]; container?: string } = {}): Diagnosis {
  return diagnose(
    toEvidence({
      name: 'edge',
      description: '',
      pod: p,
      events: opts.events ?? [],
      ...(opts.log === undefined ? {} : { log: opts.log }),
      ...(opts.problems === undefined ? {} : { problems: opts.problems }),
      ...(opts.container === undefined ? {} : { container: opts.container }),
      expected: { cause: 'unknown' },
    }),
  );
}
const commands = (d: Diagnosis) => d.remedies.flatMap((r) => [r.title, ...r.commands]).join('\n');
const base = (o: Partial<CrashInput> & Pick<CrashInput, 'exitCode'>): CrashInput => ({
  namespace: 'ns1',
  app: 'svc',
  image: 'registry.acme.io/svc:1.0.0',
  ran: 20,
  spec: { resources: { limits: { memory: '256Mi' } } },
  ...o,
});

describe('owner kinds shape the commands', () => {
  it('Job: the pod template is immutable, so export, edit and replace', () => {
    const d = run(crashingPod(base({ owner: 'Job', exitCode: 137, reason: 'OOMKilled' })));
    expect(d.cause.id).toBe('oom-killed');
    expect(commands(d)).toContain('kubectl get job/svc -n ns1 -o yaml > svc.yaml');
    expect(commands(d)).toContain("a Job's pod template is immutable");
    expect(commands(d)).toContain('kubectl replace --force -f svc.yaml');
    expect(d.verify.join('\n')).not.toContain('rollout status');
    expect(d.verify.join('\n')).toContain('-l job-name=svc');
  });

  it('Deployment, edit no patch expresses (mount each key with subPath): replaced in place, never --force (which deletes every pod)', () => {
    const fixture = fixtures.find((f) => f.name === 'sub-mount-hides-nginx-modules');
    if (fixture === undefined) throw new Error('fixture sub-mount-hides-nginx-modules is gone');
    const d = diagnose(toEvidence(fixture));
    const all = commands(d);
    expect(all).toContain('kubectl get deployment/mimir-nginx -n mimir -o yaml > mimir-nginx.yaml');
    expect(all).toContain('kubectl replace -f mimir-nginx.yaml');
    expect(all).not.toContain('--force');
    expect(all).not.toContain('immutable');
  });

  it('bare pod: says so and uses the pod', () => {
    const d = run(crashingPod(base({ owner: 'none', exitCode: 137, reason: 'OOMKilled' })));
    expect(commands(d)).toContain('a bare pod cannot be changed in place');
    expect(commands(d)).toContain('kubectl get pod/svc -n ns1 -o yaml');
    expect(d.verify).toContain('kubectl get pod svc -n ns1 -w');
  });

  it('ReplicaSet without a Deployment: delete the pod so it is recreated', () => {
    const d = run(crashingPod(base({ owner: 'ReplicaSet', exitCode: 1 })), {
      log: 'Error: Missing required environment variable: LOG_FORMAT\n    at x (/app/a.js:1:1)\n',
    });
    expect(d.cause.id).toBe('missing-config');
    expect(commands(d)).toContain('kubectl set env replicaset/svc -n ns1 -c svc LOG_FORMAT=VALUE');
  });

  it('init container env goes through a patch of initContainers', () => {
    const d = run(crashingPod(base({ init: true, container: 'setup', exitCode: 1 })), { container: 'setup', log: 'fatal: CACHE_DIR env var is required\n' });
    expect(d.cause.summary).toContain('init container setup');
    expect(commands(d)).toContain('"initContainers":[{"name":"setup","env":[{"name":"CACHE_DIR","value":"VALUE"}]}]');
  });

  it('init container that completes is not a crash loop', () => {
    const d = run(crashingPod(base({ init: true, container: 'setup', exitCode: 0 })), { container: 'setup' });
    expect(d.cause.id).toBe('unknown');
    expect(d.cause.title).toContain('not a crash loop');
  });

  it('bare pod with restartPolicy Never that completes is not a crash loop', () => {
    const d = run(crashingPod(base({ owner: 'none', restartPolicy: 'Never', exitCode: 0, state: terminated(0, 'Completed', 5, 10) })));
    expect(d.cause.summary).toContain('restartPolicy Never');
  });
});

describe('container selection', () => {
  it('picks the failing container when the alert names none, and ignores a log of another container', () => {
    const p = pod({
      namespace: 'ns1',
      app: 'svc',
      containers: [
        {
          spec: { name: 'envoy', image: 'envoyproxy/envoy:v1.30.1' },
          status: { restartCount: 0, ready: true, started: true, state: { running: { startedAt: '2026-04-09T13:00:00Z' } } },
        },
        {
          spec: { name: 'app', image: 'registry.acme.io/app:2.0.0' },
          status: {
            restartCount: 7,
            ready: false,
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } },
            lastState: terminated(139, 'Error', 3, 100),
          },
        },
      ],
    });
    const evidence = toEvidence({ name: 'x', description: '', pod: p, events: [], expected: { cause: 'segfault' } });
    delete evidence.container;
    evidence.target = { namespace: 'ns1', pod: evidence.pod?.name ?? '' };
    evidence.log = { container: 'envoy', previous: true, lines: ['panic: not me'], truncated: false };
    const d = diagnose(evidence);
    expect(d.cause.id).toBe('segfault');
    expect(d.logs).toBeUndefined();
    expect(commands(d)).toContain('--container=app -- sh');
  });
});

describe('probes', () => {
  const withProbe = (probe: NonNullable<IContainer['livenessProbe']>, exitCode = 143) =>
    crashingPod(base({ exitCode, ran: 40, spec: { livenessProbe: probe, resources: { limits: { memory: '256Mi' } } } }));
  const kill = (p: IPod, failure: string) => [
    event(p, { reason: 'Unhealthy', message: `Liveness probe failed: ${failure}`, count: 3, firstAgo: 130, lastAgo: 100, container: 'svc' }),
    event(p, { type: 'Normal', reason: 'Killing', message: 'Container svc failed liveness probe, will be restarted', firstAgo: 96, container: 'svc' }),
  ];

  it.each<[string, NonNullable<IContainer['livenessProbe']>, string, string]>([
    [
      'tcp',
      { tcpSocket: { port: 5432 }, periodSeconds: 10, failureThreshold: 3 },
      'dial tcp 10.244.1.7:5432: connect: connection refused',
      '"startupProbe":{"tcpSocket":{"port":5432}',
    ],
    [
      'grpc',
      { grpc: { port: 9090, service: 'live' }, periodSeconds: 5, failureThreshold: 3 },
      'timeout: failed to connect service ":9090" within 1s',
      '"grpc":{"port":9090,"service":"live"}',
    ],
    [
      'exec',
      { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 10, failureThreshold: 3 },
      "cat: can't open '/tmp/healthy': No such file or directory",
      '"startupProbe":{"exec":{"command":["cat","/tmp/healthy"]}',
    ],
    [
      'https',
      { httpGet: { path: '/live', port: 8443, scheme: 'HTTPS' }, periodSeconds: 10, failureThreshold: 3 },
      'Get "https://10.244.1.7:8443/live": EOF',
      '"httpGet":{"path":"/live","port":8443,"scheme":"HTTPS"}',
    ],
  ])('%s handler is copied into the startupProbe', (_kind, probe, failure, patch) => {
    const p = withProbe(probe);
    const d = run(p, { events: kill(p, failure) });
    expect(d.cause.id).toBe('liveness-probe');
    expect(commands(d)).toContain(patch);
  });

  it('HTTP 500 from the app: read its log, do not add a startupProbe', () => {
    const p = withProbe({ httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10, failureThreshold: 3 });
    const d = run(p, { events: kill(p, 'HTTP probe failed with statuscode: 500') });
    expect(d.cause.summary).toContain('HTTP 500');
    expect(commands(d)).toContain('--previous --tail=100');
    expect(commands(d)).not.toContain('startupProbe');
  });

  it('Unhealthy alone with exit 137 and fewer failures than the threshold: medium', () => {
    const p = withProbe({ httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10, failureThreshold: 5 }, 137);
    const d = run(p, {
      events: [
        event(p, {
          reason: 'Unhealthy',
          message: 'Liveness probe failed: HTTP probe failed with statuscode: 503',
          count: 2,
          firstAgo: 120,
          lastAgo: 100,
          container: 'svc',
        }),
      ],
    });
    expect(d.cause.id).toBe('liveness-probe');
    expect(d.cause.confidence).toBe('medium');
  });

  it('Unhealthy alone with exit 1 does not decide', () => {
    const p = withProbe({ httpGet: { path: '/healthz', port: 8080 } }, 1);
    const d = run(p, {
      events: [
        event(p, {
          reason: 'Unhealthy',
          message: 'Liveness probe failed: HTTP probe failed with statuscode: 503',
          count: 9,
          firstAgo: 120,
          lastAgo: 100,
          container: 'svc',
        }),
      ],
    });
    expect(d.cause.id).toBe('app-crash');
  });

  it('a Killing event for another container is ignored', () => {
    const p = withProbe({ httpGet: { path: '/healthz', port: 8080 } }, 143);
    const other = event(p, { type: 'Normal', reason: 'Killing', message: 'Container sidecar failed liveness probe, will be restarted', firstAgo: 96 });
    expect(run(p, { events: [other] }).cause.id).toBe('sigterm');
  });

  it('events from another container (fieldPath) are ignored', () => {
    const p = withProbe({ httpGet: { path: '/healthz', port: 8080 } }, 143);
    const other = event(p, {
      type: 'Normal',
      reason: 'Killing',
      message: 'Container svc failed liveness probe, will be restarted',
      firstAgo: 96,
      container: 'other',
    });
    expect(run(p, { events: [other] }).cause.id).toBe('sigterm');
  });

  it('a probe kill without the probe in the spec points at the configuration', () => {
    const p = crashingPod(base({ exitCode: 143 }));
    const d = run(p, { events: kill(p, 'HTTP probe failed with statuscode: 404') });
    expect(commands(d)).toContain('grep -n -A 12 -E');
  });
});

describe('images', () => {
  const pull = (message: string) =>
    waitingPod({ namespace: 'ns1', app: 'svc', image: 'quay.io/acme/svc:1.0.0', restarts: 0, waiting: { reason: 'ErrImagePull', message } });
  it.each([
    ['dial tcp: lookup quay.io on 10.96.0.10:53: no such host', 'nslookup quay.io'],
    ['toomanyrequests: Too Many Requests', 'docker-registry regcred -n ns1 --docker-server=quay.io'],
    ['rpc error: code = Unknown desc = something odd', 'kubectl get events -n ns1'],
  ])('%s', (message, command) => {
    const d = run(pull(message));
    expect(d.cause.id).toBe('image-pull');
    expect(commands(d)).toContain(command);
  });
});

describe('an image pinned by digest', () => {
  // distribution's reference grammar: path[:tag][@digest]; the digest's `sha256:` is not a tag.
  const image = 'quay.io/acme/svc:1.0.0@sha256:3f1c2a0e9b7d6c5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a';
  it('the command that sets another tag keeps the repository, not the digest', () => {
    const message = `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`;
    const d = run(waitingPod({ namespace: 'ns1', app: 'svc', image, restarts: 0, waiting: { reason: 'ErrImagePull', message } }));
    expect(d.cause.id).toBe('image-pull');
    expect(commands(d)).toContain('svc=quay.io/acme/svc:"$TAG"');
    expect(commands(d)).not.toContain('@sha256:"$TAG"');
  });
});

describe('runtime messages that name no known cause', () => {
  it('CreateContainerError with an unknown message is unknown, quoting it', () => {
    const d = run(
      waitingPod({
        namespace: 'ns1',
        app: 'svc',
        image: 'x:1',
        restarts: 0,
        waiting: { reason: 'CreateContainerError', message: 'failed to reserve container name' },
      }),
    );
    expect(d.cause.id).toBe('unknown');
    expect(d.evidence.map((e) => e.text).join('\n')).toContain('failed to reserve container name');
  });

  it('StartError from a subPath mount is unknown, quoting the runtime', () => {
    const msg =
      'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error mounting "/var/lib/kubelet/pods/x/volume-subpaths/config/svc/0" to rootfs at "/etc/app/config.yaml": not a directory: unknown';
    const d = run(crashingPod(base({ exitCode: 128, reason: 'StartError', ran: 0, message: msg })));
    expect(d.cause.id).toBe('unknown');
    expect(d.evidence[0]?.text).toContain('not a directory');
  });

  it('CreateContainerError "no command specified" is a bad entrypoint', () => {
    const d = run(
      waitingPod({
        namespace: 'ns1',
        app: 'svc',
        image: 'x:1',
        restarts: 0,
        waiting: { reason: 'CreateContainerError', message: 'Error: failed to generate container "abc" spec: failed to generate spec: no command specified' },
      }),
    );
    expect(d.cause.id).toBe('bad-entrypoint');
    expect(d.evidence.map((e) => e.text).join('\n')).toContain('command/args not set');
  });
});

describe('what is missing when nothing decides', () => {
  it.each<[Problem, string]>([
    [{ source: 'target', kind: 'missing-label', message: 'the alert has no pod label' }, 'namespace and pod labels'],
    [{ source: 'kube', kind: 'timeout', message: 'timed out after 5s' }, 'kube: timed out after 5s'],
  ])('%j', (problem, need) => {
    const d = diagnose({ now: '2026-04-09T14:05:00Z', target: {}, events: [], problems: [problem] });
    expect(d.cause.id).toBe('unknown');
    expect(d.cause.summary).toContain(need);
    expect(d.verify).toEqual([]);
  });

  it('no evidence at all asks for the pod', () => {
    const d = diagnose({ now: '2026-04-09T14:05:00Z', target: { namespace: 'ns1', pod: 'p' }, events: [], problems: [] });
    expect(d.cause.summary).toContain('the pod object (get pods)');
  });

  it.each<[Problem, string]>([
    [{ source: 'logs', kind: 'no-previous-log', message: 'previous terminated container "svc" in pod "svc" not found' }, 'previous container log'],
    [{ source: 'pod', kind: 'no-container', message: 'no container "web" in pod' }, 'a container that exists'],
  ])('%j on a pod that has not failed', (problem, need) => {
    const p = pod({
      namespace: 'ns1',
      app: 'svc',
      containers: [{ spec: { name: 'svc', image: 'x:1' }, status: { restartCount: 0, ready: false, state: { waiting: { reason: 'ContainerCreating' } } } }],
    });
    const d = run(p, { problems: [problem] });
    expect(d.cause.id).toBe('unknown');
    expect(d.cause.summary).toContain(need);
  });
});
