/**
 * The deciding fact in a few words: each phrase against evidence lines as the kubelet, the runtimes
 * and the programs write them (real reports named beside each), and never for a cause it does not read.
 */
import { describe, expect, it } from 'vitest';
import { decidingWords } from '../../../src/notify/deciding-words.ts';

describe('decidingWords', () => {
  it.each([
    [
      // deckhouse/deckhouse#6368: a liveness probe that runs curl in an image without it.
      'liveness-probe',
      'Warning Unhealthy: Liveness probe errored: rpc error: code = Unknown desc = failed to exec in container: failed to start exec "d25b2903": OCI runtime exec failed: exec failed: unable to start container process: exec: "curl": executable file not found in $PATH: unknown (x573 over 2d)',
      'curl is not in the image: its liveness probe cannot run',
    ],
    [
      // ManageIQ/manageiq-pods#475: the same through the older runc, quotes escaped in the message.
      'liveness-probe',
      'Warning Unhealthy: Liveness probe errored: rpc error: code = Unknown desc = command error: exec failed: container_linux.go:349: starting container process caused "exec: \\"pidof\\": executable file not found in $PATH"',
      'pidof is not in the image: its liveness probe cannot run',
    ],
    [
      // subfuzion/voting-app#11: a readiness probe, reported as failed.
      'liveness-probe',
      'Warning Unhealthy: Readiness probe failed: rpc error: code = 2 desc = oci runtime error: exec failed: container_linux.go:247: starting container process caused "exec: \\"curl\\": executable file not found in $PATH"',
      'curl is not in the image: its readiness probe cannot run',
    ],
    ['app-crash', 'flag provided but not defined: -log-level', '-log-level is not a flag it knows'],
    ['app-crash', 'prometheus: error: unknown long flag --storage.tsdb.retention', undefined],
    ['app-crash', 'Error: unknown flag: --listen-addr', '--listen-addr is not a flag it knows'],
    [
      'app-crash',
      'org.apache.kafka.common.config.ConfigException: Invalid value tcp://10.96.41.7:9092 for configuration port: Not a number of type INT',
      'its "port" setting is a service-link URL (tcp://10.96.41.7:9092)',
    ],
    ['app-crash', 'nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)', 'port 80 is already in use'],
    ['app-crash', 'nginx: [emerg] bind() to 0.0.0.0:80 failed (13: Permission denied)', 'it may not bind port 80 (below 1024, not root)'],
    ['app-crash', "KeyError: 'database'", "KeyError 'database'"],
    ['app-crash', 'panic: assignment to entry in nil map', 'a Go panic (assignment to entry in nil map)'],
    ['app-crash', "cannot validate certificate for 30.65.0.1 because it doesn't contain any IP SANs", 'the certificate does not name 30.65.0.1'],
    ['app-crash', 'Exiting Kafka due to fatal exception', undefined],
    // istio/istio#21030: istio-init's set -x trace, the command that failed.
    ['app-crash', 'the failing command (shell trace): + iptables -t nat -N ISTIO_REDIRECT', 'iptables -t nat -N ISTIO_REDIRECT fails'],
  ] as const)('%s: %s', (cause, line, words) => {
    expect(decidingWords({ id: cause }, [line])).toBe(words);
  });

  it('sub-cause phrases read only under their sub-cause; a phrase never reads another cause', () => {
    const link = 'listen tcp: address tcp://10.152.183.152:44317: too many colons in address';
    expect(decidingWords({ id: 'app-crash', detail: 'service-link-collision' }, [link])).toBe(
      'a service-link URL (tcp://10.152.183.152:44317) reached its settings',
    );
    expect(decidingWords({ id: 'app-crash' }, [link])).toBeUndefined();
    expect(decidingWords({ id: 'oom-killed' }, ['flag provided but not defined: -log-level'])).toBeUndefined();
    expect(
      decidingWords({ id: 'oom-killed', detail: 'heap-flag-over-limit' }, [
        '-Xmx1024m in env KAFKA_HEAP_OPTS is not below the 768Mi limit: the heap alone may outgrow the container',
      ]),
    ).toBe('-Xmx1024m in KAFKA_HEAP_OPTS is not below it');
    expect(
      decidingWords({ id: 'app-crash', detail: 'fs-read-only' }, ["sed: couldn't open temporary file /fluentd/etc/sedXXXXXX: Read-only file system"]),
    ).toBe('/fluentd/etc is on a read-only filesystem');
  });
});
