/**
 * Crashes whose shape says what broke (issue #29): each class as its runtime prints it, the frame or
 * line that locates it, and the precedence where another rule competes. Whole cases from public
 * reports are in test/fixtures/diagnosis/cases/program-crashes.ts and bench/cases/sub-*.
 */
import { describe, expect, it } from 'vitest';
import { goOwnFrame } from '../../../src/diagnosis/crash-frames.ts';
import { diagnose } from '../../../src/diagnosis/diagnose.ts';
import type { Diagnosis } from '../../../src/diagnosis/document.ts';
import { toEvidence } from '../../fixtures/diagnosis/index.ts';
import { crashingPod } from '../../fixtures/diagnosis/scenario.ts';
import { diagnoseCrash, primaryOf as primary, proofOf as proof, remediesText } from './shared-setup.ts';

const run = (log: string, exitCode = 2): Diagnosis => diagnoseCrash(log, { exitCode, ran: 3, image: 'registry.example/api:1.0.0' });

describe('Go nil-pointer and nil-map panics', () => {
  const frames = (...l: string[]) => goOwnFrame(l, 0);

  it('skips runtime, panic() and module-cache frames to the first frame of its own code', () => {
    const f = frames(
      'sigs.k8s.io/controller-runtime/pkg/internal/controller.(*Controller).Reconcile.func1()',
      '\t/go/pkg/mod/sigs.k8s.io/controller-runtime@v0.13.1/pkg/internal/controller/controller.go:118 +0x1a8',
      'panic({0x1569c60, 0x2915210})',
      '\t/usr/local/go/src/runtime/panic.go:884 +0x20c',
      'runtime.mapassign_faststr(0x0?, 0x0?, {0x0?, 0x0?})',
      '\truntime/map_faststr.go:203 +0x3b4',
      'github.com/acme/shop/internal/cart.(*Store).Put(0xc0001, {0x0, 0x0})',
      '\t/src/internal/cart/store.go:44 +0x5e',
    );
    expect(f).toEqual({ func: 'github.com/acme/shop/internal/cart.(*Store).Put', file: '/src/internal/cart/store.go:44', lines: [6, 7], own: true });
  });

  it('treats vendored code as a library and a module path without a version as its own (istio-ecosystem/admiral#168)', () => {
    const vendored = frames(
      'k8s.io/apimachinery/pkg/util/runtime.logPanic(0x7fa5344b2020, 0x7fa535320590)',
      '\t/go/src/github.com/gardener/logging/vendor/k8s.io/apimachinery/pkg/util/runtime/runtime.go:74 +0xa6',
      'github.com/istio-ecosystem/admiral/admiral/pkg/controller/admiral.(*RolloutController).GetRolloutByLabel(0x0, 0xc0006c3748)',
      '\t/go/pkg/mod/github.com/admiral/admiral/pkg/controller/admiral/rollouts.go:205 +0x177',
    );
    expect(vendored?.file).toBe('/go/pkg/mod/github.com/admiral/admiral/pkg/controller/admiral/rollouts.go:205');
    expect(vendored?.own).toBe(true);
  });

  it('falls back to the first library frame, and says so, when the trace has none of its own', () => {
    const f = frames(
      'panic({0x1b64e40?, 0x3796450?})',
      '\truntime/panic.go:783 +0x132',
      'charm.land/fantasy/providers/openai.Stream(0x1)',
      '\tcharm.land/fantasy@v0.1.1/agent.go:1110 +0x3af',
    );
    expect(f).toMatchObject({ func: 'charm.land/fantasy/providers/openai.Stream', own: false });
    const d = run(
      [
        'panic: assignment to entry in nil map',
        '',
        'goroutine 7 [running]:',
        'charm.land/fantasy/providers/openai.Stream(0x1)',
        '\tcharm.land/fantasy@v0.1.1/agent.go:1110 +0x3af',
      ].join('\n'),
    );
    expect(proof(d)).toContain('(in a library, no frame of its own code: openai.Stream at charm.land/fantasy@v0.1.1/agent.go:1110)');
  });

  it("names the frame in the title, the summary and the one proof line; the header's words say which nil", () => {
    const d = run(
      [
        'panic: runtime error: invalid memory address or nil pointer dereference',
        '[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x6b2d4a]',
        '',
        'goroutine 1 [running]:',
        'main.(*Server).Start(0x0)',
        '\t/app/server.go:57 +0x2a',
        'main.main()',
        '\t/app/main.go:20 +0x85',
      ].join('\n'),
    );
    expect(d.cause).toMatchObject({ id: 'app-crash', detail: 'go-nil-panic', title: 'Go nil pointer dereference at server.go:57 (exit 2)' });
    expect(d.cause.summary).toContain('it dereferenced a nil pointer in main.(*Server).Start at /app/server.go:57');
    expect(proof(d)).toContain(
      'panic: runtime error: invalid memory address or nil pointer dereference (in its own code: main.(*Server).Start at /app/server.go:57)',
    );
    // The fix in the code comes first, shipped as a build; the goroutine's trace is in the message (the whole log).
    expect(d.remedies[0]).toMatchObject({ kind: 'remedy', title: 'Deploy a build fixing server.go:57' });
    expect(d.remedies[0]?.commands).toEqual(["read -r -p 'fixed tag: ' TAG", 'kubectl set image deployment/api -n shop api=registry.example/api:"$TAG"']);
    expect(remediesText(d)).not.toContain('kubectl logs');
  });

  it("reads a controller's recovered panic ('Observed a panic') with its goroutine", () => {
    const sig = primary(
      [
        'E0221 22:59:41.829373       1 runtime.go:78] Observed a panic: "invalid memory address or nil pointer dereference" (runtime error: invalid memory address or nil pointer dereference)',
        'goroutine 1225 [running]:',
        'github.com/openshift-kni/performance-addon-operators/pkg/controller.(*Reconciler).Reconcile(0xc000)',
        '\t/go/src/github.com/openshift-kni/performance-addon-operators/pkg/controller/performanceprofile_controller.go:201 +0x2b',
      ].join('\n'),
    );
    expect(sig).toMatchObject({ kind: 'crash', crashClass: 'go-nil' });
    expect(sig?.location).toContain('performanceprofile_controller.go:201');
  });

  it('leaves other panics without the sub-cause but still locates them', () => {
    const d = run(
      ['panic: runtime error: index out of range [3] with length 3', '', 'goroutine 1 [running]:', 'main.pick(...)', '\t/app/pick.go:9'].join('\n'),
    );
    expect(d.cause.detail).toBeUndefined();
    expect(proof(d)).toContain('(in its own code: main.pick at /app/pick.go:9)');
  });

  it('loses to a missing variable the log names before it, and to an exit that names its own cause', () => {
    const log = [
      'Error: environment variable REDIS_URL is not set',
      'panic: assignment to entry in nil map',
      '',
      'goroutine 1 [running]:',
      'main.main()',
      '\t/app/main.go:3',
    ].join('\n');
    expect(run(log).cause).toMatchObject({ id: 'missing-config', detail: 'missing-env' });
    expect(run(log.split('\n').slice(1).join('\n'), 137).cause.id).toBe('sigkill');
  });
});

describe('Rust panics', () => {
  it("reads the 1.73+ format: location on the panic line, message on the next (machineonamission/uwd2#12's Windows path too)", () => {
    const sig = primary(
      "thread 'main' panicked at src\\explorer_modinfo.rs:45:14:\ncalled `Option::unwrap()` on a `None` value\nnote: run with `RUST_BACKTRACE=1`",
    );
    expect(sig).toMatchObject({ crashClass: 'rust-panic', location: 'src\\explorer_modinfo.rs:45:14' });
    expect(sig?.text).toBe("thread 'main' panicked at src\\explorer_modinfo.rs:45:14: called `Option::unwrap()` on a `None` value");
  });

  it("reads the older format with the message quoted before the location, any thread's name", () => {
    const d = run("thread 'tokio-runtime-worker' panicked at 'index out of bounds: the len is 3 but the index is 7', src/queue.rs:88:17", 101);
    expect(d.cause).toMatchObject({ detail: 'rust-panic', title: 'Rust panic at src/queue.rs:88:17 (exit 101)' });
    expect(d.cause.summary).toContain('index out of bounds: the len is 3 but the index is 7');
    expect(d.remedies[0]).toMatchObject({ kind: 'remedy', title: 'Deploy a build fixing src/queue.rs:88:17' });
    expect(d.remedies[1]).toMatchObject({ kind: 'diagnostic', title: 'Set RUST_BACKTRACE=1 so that the next crash prints its backtrace' });
    expect(d.remedies[1]?.commands).toEqual(['kubectl set env deployment/api -n shop -c api RUST_BACKTRACE=1']);
  });

  it("says when the location is inside std's own unwrap (before #[track_caller]) and the backtrace names the caller", () => {
    const d = run("thread 'main' panicked at 'called `Result::unwrap()` on an `Err` value: ()', src/libcore/result.rs:945:5", 101);
    expect(d.cause.title).toBe('Rust panic at src/libcore/result.rs:945:5 (exit 101)');
    // No line of its own code is known, so no build can be named: the backtrace is the first step.
    expect(d.remedies[0]).toMatchObject({ kind: 'diagnostic' });
    expect(d.remedies[0]?.title).toContain('inside the standard library (src/libcore/result.rs:945:5): set RUST_BACKTRACE=1');
  });

  it('loses to the read-only filesystem a Rust program names in its own line', () => {
    const p = crashingPod({
      namespace: 'o2',
      app: 'router',
      image: 'openobserve:v0.9',
      exitCode: 101,
      ran: 3,
      spec: { securityContext: { readOnlyRootFilesystem: true } },
    });
    const log = 'create cache dir success: Os { code: 30, kind: ReadOnlyFilesystem, message: "Read-only file system" }';
    const d = diagnose(toEvidence({ name: 'x', description: 'x', pod: p, events: [], log, expected: { cause: 'unknown' } }));
    expect(d.cause.detail).toBe('fs-read-only');
  });
});

describe('.NET unhandled exceptions', () => {
  const trace = [
    '   at Microsoft.Extensions.DependencyInjection.ServiceLookup.CallSiteRuntimeResolver.VisitFactory(FactoryCallSite factoryCallSite)',
    '   at Shop.Api.Startup.ConfigureServices(IServiceCollection services) in /src/Startup.cs:line 31',
    '   at Microsoft.AspNetCore.Hosting.WebHost.EnsureApplicationServices()',
  ];

  it.each([
    ['.NET 5+', "Unhandled exception. System.ArgumentNullException: Value cannot be null. (Parameter 'connectionString')", []],
    [
      '.NET Core 2.x (capital E, Parameter name on the next line)',
      'Unhandled Exception: System.ArgumentNullException: Value cannot be null.',
      ['Parameter name: connectionString'],
    ],
  ])('%s: the exception line decides, not the last frames', (_name, line, next) => {
    const d = run([line, ...next, ...trace].join('\n'), 134);
    expect(d.cause).toMatchObject({ detail: 'dotnet-unhandled-exception', title: 'Unhandled System.ArgumentNullException (exit 134 (SIGABRT))' });
    expect(proof(d)).toContain(`${[line, ...next].join(' ')} (in its own code: Startup.ConfigureServices at /src/Startup.cs:31)`);
    expect(d.remedies[0]).toMatchObject({ kind: 'remedy', title: 'Deploy a build fixing Startup.cs:31' });
    expect(remediesText(d)).not.toContain('kubectl logs');
  });

  it('names the innermost exception after the outer one', () => {
    const sig = primary(
      [
        'Unhandled exception. System.AggregateException: One or more errors occurred. (Connection refused)',
        ' ---> System.Net.Http.HttpRequestException: Connection refused (vault:8200)',
        ' ---> System.Net.Sockets.SocketException (111): Connection refused',
        '   at System.Net.Sockets.Socket.AwaitableSocketAsyncEventArgs.ThrowException(SocketError error)',
      ].join('\n'),
    );
    expect(sig?.text).toBe(
      'Unhandled exception. System.AggregateException: One or more errors occurred. (Connection refused) ---> System.Net.Sockets.SocketException (111): Connection refused',
    );
  });

  it('loses to an OutOfMemoryException, which the runtime rule owns', () => {
    const d = run('Unhandled exception. System.OutOfMemoryException: Exception of type System.OutOfMemoryException was thrown.\n   at Shop.Load()', 134);
    expect(d.cause.id).toBe('runtime-oom');
  });
});

describe('abort() (SIGABRT)', () => {
  it.each([
    [
      'glibc assert',
      "worker: src/queue.c:212: queue_pop: Assertion `q->len > 0' failed.\nAborted (core dumped)",
      "worker: src/queue.c:212: queue_pop: Assertion `q->len > 0' failed.",
    ],
    [
      'libstdc++ terminate with what() (tum-vision/LDSO#8)',
      "terminate called after throwing an instance of 'std::system_error'\n  what():  Invalid argument\n./run.sh: line 8: 30182 Aborted                 (core dumped) ./bin/run_dso",
      "terminate called after throwing an instance of 'std::system_error': what(): Invalid argument",
    ],
    ['glibc heap check', 'double free or corruption (out)\nAborted (core dumped)', 'double free or corruption (out)'],
    [
      'Ceph assert (ceph/ceph-container#693)',
      './src/common/HeartbeatMap.cc: 73: FAILED ceph_assert(m_workers.empty())\n*** Caught signal (Aborted) **',
      './src/common/HeartbeatMap.cc: 73: FAILED ceph_assert(m_workers.empty())',
    ],
  ])('%s: the reason line decides, not the marker after it', (_name, log, text) => {
    expect(primary(log)).toMatchObject({ kind: 'crash', crashClass: 'abort', text });
  });

  it("quotes the shell's Aborted line when nothing says why, and names the abort", () => {
    const d = run('starting transcoder\nAborted (core dumped)', 134);
    expect(d.cause).toMatchObject({ detail: 'abort', title: 'abort(): Aborted (core dumped) (exit 134 (SIGABRT))' });
    expect(d.remedies[0]).toMatchObject({ kind: 'remedy', title: 'Deploy a build that fixes what it aborted on' });
    expect(remediesText(d)).not.toContain('kubectl logs');
  });

  it('names the failed assertion in the title and the fix', () => {
    const d = run("transcoder: src/muxer.cc:212: void Muxer::flush(): Assertion `pending_ == 0' failed.", 134);
    expect(d.cause.title).toBe('Assertion failed: pending_ == 0 (exit 134 (SIGABRT))');
    expect(d.remedies[0]?.title).toBe('Deploy a build fixing src/muxer.cc:212');
  });

  it("keeps another runtime's crash before the abort, and std::bad_alloc as the runtime's out of memory", () => {
    expect(primary("thread 'main' panicked at src/main.rs:3:5:\nboom\nAborted (core dumped)")?.crashClass).toBe('rust-panic');
    expect(run("terminate called after throwing an instance of 'std::bad_alloc'\n  what():  std::bad_alloc\nAborted (core dumped)", 134).cause.id).toBe(
      'runtime-oom',
    );
  });
});

describe('Python exceptions on a setting from the environment', () => {
  const tb = (source: string, exception: string) =>
    `Traceback (most recent call last):\n  File "/app/settings.py", line 9, in <module>\n    ${source}\n${exception}`;

  it.each([
    [
      "os.getenv('NAME') returned None",
      "hosts = os.getenv('ALLOWED_HOSTS').split(',')",
      "AttributeError: 'NoneType' object has no attribute 'split'",
      'ALLOWED_HOSTS',
    ],
    [
      'os.environ.get("name") returned None',
      'port = int(os.environ.get("redis_port"))',
      "TypeError: int() argument must be a string, a bytes-like object or a real number, not 'NoneType'",
      'redis_port',
    ],
    ["a lower-case os.environ['name']", "url = os.environ['database_url']", "KeyError: 'database_url'", 'database_url'],
  ])('%s names the variable and the fix is the env', (_name, source, exception, name) => {
    const d = run(tb(source, exception), 1);
    expect(d.cause).toMatchObject({ id: 'missing-config', detail: 'missing-env', title: `Missing environment variable ${name}` });
  });

  it('leaves a KeyError on a plain dict, or an AttributeError on another None, a crash', () => {
    expect(run(tb('w = MODEL_WEIGHTS["FRAUD_V2"]', "KeyError: 'FRAUD_V2'"), 1).cause.id).toBe('app-crash');
    expect(run(tb('host = settings.redis.host', "AttributeError: 'NoneType' object has no attribute 'host'"), 1).cause.id).toBe('app-crash');
  });
});
