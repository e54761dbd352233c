import { describe, expect, it } from 'vitest';
import { classifyKubeError, fromStatus, ResponseTooLargeError } from '../../../src/kube/kube-error.ts';
import { statusBodies } from '../../support/kube-fixtures-status.ts';

const body = (b: unknown) => JSON.stringify(b);

describe('fromStatus', () => {
  it('403 parses the RBAC message into missingPermission', () => {
    const e = fromStatus(403, body(statusBodies.forbidden('system:serviceaccount:ops:crashtriage', 'get', 'pods/log', 'default', 'web-1')));
    expect(e.kind).toBe('forbidden');
    expect(e.missingPermission).toBe('get pods/log');
    expect(e.message).toBe(
      'pods "web-1" is forbidden: User "system:serviceaccount:ops:crashtriage" cannot get resource "pods/log" in API group "" in the namespace "default"',
    );
  });
  it('403 on a grouped resource names the group', () => {
    const message = 'replicasets.apps "x" is forbidden: User "u" cannot get resource "replicasets" in API group "apps" in the namespace "n"';
    expect(fromStatus(403, { kind: 'Status', message }).missingPermission).toBe('get replicasets.apps');
  });
  it.each([
    [404, statusBodies.notFound('pods', 'x'), 'not-found'],
    [401, statusBodies.unauthorized(), 'unauthorized'],
    [400, statusBodies.badRequest('previous terminated container "app" in pod "x" not found'), 'no-previous-log'],
    [400, statusBodies.badRequest('container "app" in pod "x" is waiting to start: ContainerCreating'), 'bad-request'],
    [500, statusBodies.internal(500), 'server-error'],
    [503, statusBodies.internal(503), 'server-error'],
    [429, statusBodies.generic(429, 'too many requests'), 'other'],
  ] as const)('%i → %s', (status, statusBody, kind) => {
    expect(fromStatus(status, body(statusBody)).kind).toBe(kind);
  });
  it('a non-Status body is never echoed', () => {
    const e = fromStatus(502, '<html>secret-token-abc upstream</html>');
    expect(e.message).toBe('HTTP 502');
  });
});

describe('classifyKubeError', () => {
  it('a KubeReadError (rest.ts classifies an error answer from its Status body) passes through unchanged', () => {
    const answered = fromStatus(404, Buffer.from(body(statusBodies.notFound('pods', 'x'))));
    expect(answered).toMatchObject({ kind: 'not-found', status: 404, reason: 'NotFound', message: 'pods "x" not found' });
    expect(classifyKubeError(answered, 5000)).toBe(answered);
  });
  it('a TimeoutError (AbortSignal.timeout) → timeout', () => {
    expect(classifyKubeError(new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 5000)).toMatchObject({
      kind: 'timeout',
      message: 'no answer within 5000 ms',
    });
  });
  it('fetch failed caused by ECONNREFUSED → connection; by a certificate error → tls', () => {
    const cause = (code: string) => new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) });
    expect(classifyKubeError(cause('ECONNREFUSED'), 1)).toMatchObject({ kind: 'connection', code: 'ECONNREFUSED' });
    expect(classifyKubeError(cause('SELF_SIGNED_CERT_IN_CHAIN'), 1)).toMatchObject({ kind: 'tls' });
    expect(classifyKubeError(cause('ERR_TLS_CERT_ALTNAME_INVALID'), 1)).toMatchObject({ kind: 'tls' });
  });
  it('an oversized body → other', () => {
    expect(classifyKubeError(new ResponseTooLargeError(10), 1)).toMatchObject({ kind: 'other', message: 'response body larger than 10 bytes' });
  });
});
