// Debian's Chromium driven by playwright-core (no browser download), and a page that records everything that
// would mean the UI is broken: console errors, uncaught exceptions, and Content-Security-Policy violations.
import { chromium, type Browser, type Page } from 'playwright-core';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export interface WatchedPage {
  page: Page;
  /** Console errors, page errors and CSP violations, in order. */
  troubles: string[];
}

export async function watchedPage(browser: Browser): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const troubles: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') troubles.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => troubles.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) troubles.push(`HTTP ${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
  });
  // Reported by the page itself too, in case a violation does not reach the console.
  await page.exposeFunction('__molscapeCsp', (text: string) => troubles.push(`CSP violation: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { __molscapeCsp(text: string): void }).__molscapeCsp(`${event.violatedDirective} blocked ${event.blockedURI}`);
    });
  });
  return { page, troubles };
}
