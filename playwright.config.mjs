// Playwright: the pages in www/ tested in Debian's Chromium (/usr/bin/chromium).
// Playwright's own browser downloads cannot work here, so they are never used.
// `npm test` runs this after `npm run build`, with its own reporters
// (--reporter=line,json); run one spec by hand with
//   npx playwright test tests/browser/<file>
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'tests/browser',
  // Two cores on every machine, CI included.
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  reporter: [['line']],
  outputDir: 'test-results',
  use: {
    baseURL: 'http://127.0.0.1:8080',
    browserName: 'chromium',
    headless: true,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      // --no-sandbox: we run as root. The others stop Chromium from calling
      // hosts this machine cannot reach.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  // ==========================================================================
  // The inbox server, for specs that need it. Enable once `orderseal serve`
  // exists (scripts/test.sh builds target/release/orderseal and pkg/ first):
  //
  // webServer: {
  //   command: 'target/release/orderseal serve --data target/playwright-data --addr 127.0.0.1:8080',
  //   url: 'http://127.0.0.1:8080/',
  //   reuseExistingServer: !process.env.CI,
  //   timeout: 30_000,
  // },
  // ==========================================================================
});
