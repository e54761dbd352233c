import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real servers (Alertmanager, SMTP, fake API server) on loopback.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary'],
      // The pure core and the renderers are fully testable from fixtures: hold them to a high bar.
      thresholds: {
        'src/diagnosis/**': { lines: 97, functions: 97, statements: 97, branches: 85 },
        'src/notify/render-*.ts': { lines: 95, functions: 95, statements: 95, branches: 80 },
        'src/**': { lines: 85, functions: 85, statements: 85, branches: 75 },
      },
    },
  },
});
