#!/usr/bin/env node
// `$BROWSER` for the interactive tests: opens the authorize URL, signs in on the test
// provider's own pages (login `alice`, any password), consents (or cancels with
// IDP_BROWSER_ACTION=deny, so the redirect carries error=access_denied) and waits until
// the redirect to cdf-signin's loopback listener has been answered. Exits 0 then, non-zero
// on anything else. IDP_BROWSER_LOG=FILE appends what it did to FILE.
//   browser.mjs AUTHORIZE_URL
import { launch, clickAndWait, signInIfAsked, log } from './browser-common.mjs';

const url = process.argv[2];
if (!url) { log('usage: browser.mjs AUTHORIZE_URL'); process.exit(2); }
const deny = process.env.IDP_BROWSER_ACTION === 'deny';
const idp = new URL(url);
const watchdog = setTimeout(() => { log('gave up after 120 s'); process.exit(1); }, 120000);
watchdog.unref();

log(`open ${url}${deny ? ' (will deny)' : ''}`);
const browser = await launch();
let page;
const text = async () => ((await page.textContent('body').catch(() => '')) ?? '').replace(/\s+/g, ' ').trim();
try {
  page = await browser.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 30000 });
  let landed = false;
  for (let step = 0; step < 12 && !landed; step += 1) {
    const here = new URL(page.url());
    if (here.host !== idp.host) {
      log(`landed on ${page.url()}`);
      log(`page text: ${(await text()).slice(0, 500)}`);
      landed = true;
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
    throw new Error(`unexpected page ${page.url()}: ${(await text()).slice(0, 300)}`);
  }
  if (!landed) throw new Error(`never left the provider; last page ${page.url()}`);
} catch (e) {
  log(`failed: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
