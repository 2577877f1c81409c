// Shared by the browser scripts: Debian's chromium through playwright-core, with the
// flags this closed network needs (no background connections to the outside).
import fs from 'node:fs';
import { chromium } from 'playwright-core';

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
    ],
  });
}

// Clicks and waits for the navigation it starts (form posts may land on the same URL).
export async function clickAndWait(page, locator) {
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'domcontentloaded', timeout: 30000 }),
    locator.click(),
  ]);
}

// The provider's devInteractions login page: any login, any password.
export async function signInIfAsked(page, login = 'alice') {
  const field = page.locator('input[name=login]');
  if (await field.count()) {
    if (!(await field.inputValue())) await field.fill(login);
    await page.locator('input[name=password]').fill('any-password');
    await clickAndWait(page, page.locator('button[type=submit]'));
    return true;
  }
  return false;
}

// Diagnostics go to stderr and, when IDP_BROWSER_LOG names a file, are appended there.
export function log(message) {
  const line = `[browser ${new Date().toISOString()}] ${message}\n`;
  process.stderr.write(line);
  if (process.env.IDP_BROWSER_LOG) {
    try { fs.appendFileSync(process.env.IDP_BROWSER_LOG, line); } catch { /* debugging aid only */ }
  }
}
