import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// Two projects: plain Node tests (format, index, builder, MySQL, S3, browser) and tests that
// run inside workerd against real R2 bindings.
export default defineConfig({
  test: {
    // Two files at a time, even on two cores: the slow suites spend much of their time waiting
    // on subprocesses, MariaDB, S3, npm and Chromium, and overlap well (CI ~8 min, not ~12).
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'node',
          include: ['{functions,snapshot,scripts,test}/**/*.test.ts'],
          exclude: ['test/workers/**', 'node_modules/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // expect.poll waits for a page or server to settle; with two files at a time 1 s (the
          // default) is too little. What is polled for is unchanged.
          expect: { poll: { timeout: 10_000 } },
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: { bindings: { REFRESH_SECONDS: '1', RETRY_SECONDS: '1' } },
          }),
        ],
        test: {
          name: 'workers',
          include: ['test/workers/**/*.test.ts'],
          globalSetup: ['test/workers/global-setup.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
