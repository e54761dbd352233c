import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real servers (Alertmanager, SMTP, fake API server) on loopback.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
