import { describe, expect, it } from 'vitest';
import { parseImageRef } from '../../../src/kube/image-ref.ts';

describe('parseImageRef', () => {
  it.each([
    ['nginx', { tag: 'latest' }],
    ['nginx:1.27', { tag: '1.27' }],
    ['docker.io/library/nginx:1.27-alpine', { tag: '1.27-alpine' }],
    ['ghcr.io/acme/web:1.8.2', { tag: '1.8.2' }],
    ['registry.acme.internal:5000/data/ingest', { tag: 'latest' }],
    ['registry.acme.internal:5000/data/ingest:v3', { tag: 'v3' }],
    ['localhost:5000/app', { tag: 'latest' }],
    ['busybox@sha256:abc123', { digest: 'sha256:abc123' }],
    ['ghcr.io/acme/web:1.8.2@sha256:abc123', { tag: '1.8.2', digest: 'sha256:abc123' }],
    ['registry:5000/x@sha256:abc123', { digest: 'sha256:abc123' }],
  ])('%s → %j', (image, expected) => {
    expect(parseImageRef(image)).toEqual(expected);
  });
});
