/**
 * A throwaway CA and a server certificate for 127.0.0.1/localhost, made with the `openssl` CLI
 * (Node cannot sign X.509 itself). Debian images ship openssl; CI needs it on PATH
 * (`apt-get install -y openssl` on a minimal image). Keys are P-256 so generation takes milliseconds.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestTls {
  /** PEM of the CA that signed `certPem`; goes into the kubeconfig's certificate-authority-data. */
  caPem: string;
  certPem: string;
  keyPem: string;
}

export function createTestTls(commonName = 'fake-kube-apiserver'): TestTls {
  const dir = mkdtempSync(join(tmpdir(), 'crashtriage-tls-'));
  const file = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  try {
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file('ca.key'));
    openssl('req', '-x509', '-new', '-key', file('ca.key'), '-sha256', '-days', '2', '-subj', '/CN=crashtriage-test-ca', '-out', file('ca.crt'));
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file('server.key'));
    openssl('req', '-new', '-key', file('server.key'), '-subj', `/CN=${commonName}`, '-out', file('server.csr'));
    writeFileSync(
      file('ext.cnf'),
      'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n',
    );
    openssl(
      'x509',
      '-req',
      '-in',
      file('server.csr'),
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-days',
      '2',
      '-sha256',
      '-extfile',
      file('ext.cnf'),
      '-out',
      file('server.crt'),
    );
    return {
      caPem: readFileSync(file('ca.crt'), 'utf8'),
      certPem: readFileSync(file('server.crt'), 'utf8'),
      keyPem: readFileSync(file('server.key'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let cached: TestTls | undefined;

/** One CA per test process: generating per test would only add time. */
export function sharedTestTls(): TestTls {
  cached ??= createTestTls();
  return cached;
}
