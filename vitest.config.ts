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
          // Hang guards, not speed checks (those are `npm run bench`): with two files at a time
          // a refresh test that takes 25 s alone can take twice that, and a page longer than
          // expect.poll's default second to settle. What is awaited or polled for is unchanged.
          testTimeout: 120_000,
          hookTimeout: 120_000,
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
