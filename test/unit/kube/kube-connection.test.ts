/**
 * The Authorization header each kubeconfig user gets (client-go's order: a token file, re-read as it
 * rotates, over an inline token; basic auth only without a token), and nothing for a client
 * certificate user, whose identity is in the TLS handshake.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResolvedKubeConfig, UserConfig } from '../../../src/kube/kube-config.ts';
import { connect } from '../../../src/kube/kube-connection.ts';

const config = (user: UserConfig): ResolvedKubeConfig => ({ contexts: ['c'], context: 'c', cluster: { server: 'https://10.0.0.1:6443/' }, user });

async function authorization(user: UserConfig): Promise<string | undefined> {
  const connection = connect(config(user));
  try {
    expect(connection.server).toBe('https://10.0.0.1:6443');
    return (await connection.prepare('https://10.0.0.1:6443/api')).headers['Authorization'];
  } finally {
    await connection.close();
  }
}

describe('the Authorization header', () => {
  it('bearer token; a token file over it; basic auth without a token; none for a client certificate', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'crashtriage-token-')), 'token');
    writeFileSync(file, 'from-file\n');
    expect(await authorization({ token: 'inline' })).toBe('Bearer inline');
    expect(await authorization({ token: 'inline', tokenFile: file })).toBe('Bearer from-file');
    expect(await authorization({ username: 'admin', password: 'p' })).toBe(`Basic ${Buffer.from('admin:p').toString('base64')}`);
    expect(await authorization({ certData: Buffer.from('x').toString('base64'), keyData: Buffer.from('y').toString('base64') })).toBeUndefined();
  });

  it('a token file that cannot be read at all: unauthorized, naming the file', async () => {
    await expect(authorization({ tokenFile: '/nonexistent/token' })).rejects.toMatchObject({
      kind: 'unauthorized',
      message: 'cannot read the token file /nonexistent/token (ENOENT)',
    });
  });
});
