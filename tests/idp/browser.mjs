#!/usr/bin/env node
// `$BROWSER` for the interactive tests: opens the authorize URL, signs in on the test
// provider's own pages, consents (or cancels with IDP_BROWSER_ACTION=deny) and waits
// until the redirect to cdf-signin's loopback listener has been answered.
import { launch, clickAndWait, signInIfAsked, log } from './browser-common.mjs';

const url = process.argv[2];
if (!url) { log('usage: browser.mjs URL'); process.exit(2); }
const deny = process.env.IDP_BROWSER_ACTION === 'deny';
const idp = new URL(url);

const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 30000 });
  for (let step = 0; step < 10; step += 1) {
    const here = new URL(page.url());
    if (here.host !== idp.host) {
      log(`landed on ${here.origin}${here.pathname}: ${(await page.textContent('body'))?.trim().slice(0, 120)}`);
      break;
    }
    if (await signInIfAsked(page)) { log('signed in'); continue; }
    if (await page.locator('input[name=prompt][value=consent]').count()) {
      if (deny) {
        log('cancelling at consent');
        await clickAndWait(page, page.locator('a', { hasText: 'Cancel' }));
      } else {
        log('consenting');
        await clickAndWait(page, page.locator('button[type=submit]'));
      }
      continue;
    }
    throw new Error(`unexpected page ${page.url()}: ${(await page.textContent('body'))?.slice(0, 200)}`);
  }
} catch (e) {
  log(`failed: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
