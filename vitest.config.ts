import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// Two projects: plain Node tests (format, index, builder, MySQL, S3, browser) and tests that
// run inside workerd against real R2 bindings.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['{functions,snapshot,scripts,test}/**/*.test.ts'],
          exclude: ['test/workers/**', 'node_modules/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
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
