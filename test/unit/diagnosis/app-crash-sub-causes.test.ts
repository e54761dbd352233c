/**
 * Application sub-causes that used to read "app crash, read the log" (issue #29): each argument
 * parser's unknown-flag refusal, with the fix on the container's args. The lines are the parsers' own
 * words as public reports quote them (the source on each row); bench/cases/unknown-flag-* hold the
 * whole cases.
 */
import type { IContainer } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../../src/diagnosis/document.ts';
import { findSignatures, primarySignature } from '../../../src/diagnosis/log-reader.ts';
import { definedFlags, withoutFlag } from '../../../src/diagnosis/sub-causes/unknown-flag.ts';
import type { OwnerKind } from '../../fixtures/diagnosis/k8s.ts';
import { remediesText as commands, diagnoseCrash, proofOf as proof } from './shared-setup.ts';

const run = (log: string, container: Partial<IContainer> = {}, exitCode = 2, owner?: OwnerKind): Diagnosis =>
  diagnoseCrash(log, { exitCode, ran: 1, image: 'registry.example/api:1.0.0', spec: container, ...(owner === undefined ? {} : { owner }) });

describe('unknown-flag: every common parser', () => {
  it.each([
    ['Go flag (DataDog/watermarkpodautoscaler#97)', 'flag provided but not defined: -zap-level', '-zap-level'],
    ['urfave/cli (its Incorrect Usage prefix)', 'Incorrect Usage. flag provided but not defined: -logtostderr', '-logtostderr'],
    ['cobra (kubealex/k8s-mediaserver-operator#36)', 'Error: unknown flag: --metrics-bind-address', '--metrics-bind-address'],
    ['pflag shorthand (spf13/pflag flag.go)', "unknown shorthand flag: 'x' in -xvf", '-x'],
    [
      'pflag through logrus (kubewharf/kelemetry#123)',
      'time="2023-07-18T01:30:12Z" level=error msg="unknown flag: --diff-cache-use-old-rv"',
      '--diff-cache-use-old-rv',
    ],
    ['kingpin long (albertrdixon/romulus#26)', "romulusd: error: unknown long flag '--vulcan-api', try --help", '--vulcan-api'],
    ['kingpin short (prometheus/prometheus#2952)', "prometheus: error: unknown short flag '-c'", '-c'],
    ['kingpin, capitalised (prometheus-operator/prometheus-operator#1951)', "Unknown long flag '--kubelet-service'", '--kubelet-service'],
    ['argparse (dgarros/py-metric-collector#61)', 'metric-collector: error: unrecognized arguments: --console', '--console'],
    ['argparse with a value (pyouroboros/ouroboros#52)', 'main.py: error: unrecognized arguments: --metrics-port 5000', '--metrics-port'],
    ['click (pallets/click parser)', 'Error: No such option: --workers', '--workers'],
    ['commander (tj/commander.js)', "error: unknown option '--inspect-port'", '--inspect-port'],
    ['clap 4 (clap-rs/clap)', "error: unexpected argument '--threads' found", '--threads'],
    ['clap 3 (clap-rs/clap)', "error: Found argument '--threads' which wasn't expected, or isn't valid in this context", '--threads'],
    ['absl (istio-ecosystem/authservice#4)', "ERROR: Unknown command line flag 'log-level'", '--log-level'],
    ['picocli (remkop/picocli)', "Unknown option: '--port'", '--port'],
  ])('%s', (_name, line, flag) => {
    const lines = [line];
    const sig = primarySignature(findSignatures(lines), lines);
    expect(sig?.kind).toBe('unknown-flag');
    expect(sig?.name).toBe(flag);
  });

  it('leaves a missing required argument a plain crash (no flag to remove)', () => {
    const lines = ['worker.py: error: the following arguments are required: --queue'];
    expect(primarySignature(findSignatures(lines), lines)?.kind).toBe('crash');
  });
});

describe('unknown-flag: the fix is the container args', () => {
  it('removes the flag with a JSON patch that tests the args it replaces', () => {
    const d = run('Error: unknown flag: --metrics-bind-address', { args: ['--leader-elect', '--metrics-bind-address=:8080'] }, 1);
    expect(d.cause).toMatchObject({ id: 'app-crash', detail: 'unknown-flag', title: 'Unknown flag --metrics-bind-address (exit 1)' });
    expect(proof(d)).toContain('args: ["--leader-elect","--metrics-bind-address=:8080"] (item 2 passes --metrics-bind-address)');
    const patch = d.remedies[0]?.commands[0] ?? '';
    expect(patch).toMatch(/^kubectl patch deployment api -n shop --type json -p /);
    expect(patch).toContain('{"op":"test","path":"/spec/template/spec/containers/0/args","value":["--leader-elect","--metrics-bind-address=:8080"]}');
    expect(patch).toContain('{"op":"replace","path":"/spec/template/spec/containers/0/args","value":["--leader-elect"]}');
  });

  it("renames the flag to the usage's closest one", () => {
    const log =
      'flag provided but not defined: -redis-addr\nUsage of /rate-limiter:\n  -listen string\n    \tlisten address\n  -redis string\n    \tredis host:port';
    const d = run(log, { args: ['-listen=:8080', '-redis-addr=redis:6379'] });
    expect(proof(d)).toContain("the program's usage defines -listen, -redis (-redis is the closest to -redis-addr)");
    expect(commands(d)).toContain('Rename -redis-addr to -redis in the container\'s args (args becomes ["-listen=:8080","-redis=redis:6379"])');
  });

  it('reads a single-dash long flag cut into short flags as the double-dash form', () => {
    const d = run("prometheus: error: unknown short flag '-c'", { args: ['-config.file=/etc/prometheus/prometheus.yml'] }, 1);
    expect(commands(d)).toContain('"value":["--config.file=/etc/prometheus/prometheus.yml"]');
  });

  it('finds the flag in command when args do not hold it', () => {
    const d = run('main.py: error: unrecognized arguments: --metrics-port 5000', { command: ['python', 'main.py', '--metrics-port', '5000'] });
    expect(commands(d)).toContain('"path":"/spec/template/spec/containers/0/command","value":["python","main.py"]');
  });

  it('sends a Job (immutable template) through export, edit, replace', () => {
    const d = run('Error: unknown flag: --dry', { args: ['--dry', '--once'] }, 1, 'Job');
    expect(commands(d)).toContain('set args of container api to ["--once"]');
    expect(commands(d)).toContain('kubectl replace --force -f');
  });

  it("points at the image's CMD when the pod spec does not pass the flag", () => {
    const d = run("ERROR: Unknown command line flag 'log-level'", {}, 1);
    expect(proof(d)).toContain("--log-level is not in the pod spec's command or args");
    // The image's command line without the flag becomes the container's command (env-leftovers-remedies.test.ts).
    expect(commands(d)).toContain('docker inspect registry.example/api:1.0.0 | jq -c');
  });

  it('is not decided under an exit that names its own cause', () => {
    expect(run('flag provided but not defined: -x', { args: ['-x'] }, 137).cause.id).not.toBe('app-crash');
  });

  it('reads the usage before an argparse error and after a Go one', () => {
    expect(definedFlags(['usage: w [-h] [--concurrency N] [--queue Q]', 'w: error: unrecognized arguments: --workers=4'], 1)).toEqual([
      '--concurrency',
      '--queue',
    ]);
    expect(definedFlags(['flag provided but not defined: -x', 'Usage of /app:', '  -addr string', '  -v, --verbose'], 0)).toEqual(['-addr', '--verbose']);
  });

  it('drops a separate value with the flag, never the next flag', () => {
    expect(withoutFlag(['--a', '--port', '80', '--b'], 1)).toEqual(['--a', '--b']);
    expect(withoutFlag(['--port', '--b'], 0)).toEqual(['--b']);
    expect(withoutFlag(['--port=80', 'x'], 0)).toEqual(['x']);
    expect(withoutFlag(['-redis-addr=r:6379'], 0, '-redis')).toEqual(['-redis=r:6379']);
  });
});
