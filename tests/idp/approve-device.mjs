#!/usr/bin/env node
// Approves (or with --deny, aborts) a device-code sign-in on the test provider's pages:
//   approve-device.mjs VERIFICATION_URI USER_CODE [--deny]
// Signs in as `alice` (any password); with --deny the device-code poll then gets
// access_denied. Exits 0 when done, non-zero on failure. IDP_BROWSER_LOG=FILE appends a log.
import { launch, clickAndWait, signInIfAsked, log } from './browser-common.mjs';

const [uri, userCode, flag] = process.argv.slice(2);
if (!uri || !userCode) { log('usage: approve-device.mjs VERIFICATION_URI USER_CODE [--deny]'); process.exit(2); }
const deny = flag === '--deny';

const watchdog = setTimeout(() => { log('gave up after 120 s'); process.exit(1); }, 120000);
watchdog.unref();
log(`device code ${userCode} at ${uri}${deny ? ' (will deny)' : ''}`);
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(uri, { waitUntil: 'domcontentloaded', timeout: 30000 });
  await page.locator('input[name=user_code]').fill(userCode);
  await clickAndWait(page, page.locator('button[form="op.deviceInputForm"]'));
  for (let step = 0; step < 10; step += 1) {
    const body = (await page.textContent('body')) ?? '';
    if (await page.locator('button[name=abort]').count()) {
      if (deny) {
        log('aborting');
        await clickAndWait(page, page.locator('button[name=abort]'));
        break;
      }
      log('confirming the code');
      await clickAndWait(page, page.locator('button[form="op.deviceConfirmForm"]:not([name=abort])'));
      continue;
    }
    if (await signInIfAsked(page)) { log('signed in'); continue; }
    if (await page.locator('input[name=prompt][value=consent]').count()) {
      log('consenting');
      await clickAndWait(page, page.locator('button[type=submit]'));
      continue;
    }
    if (/success/i.test(body)) { log(`approved: ${body.replace(/\s+/g, ' ').trim().slice(0, 200)}`); break; }
    throw new Error(`unexpected page ${page.url()}: ${body.slice(0, 200)}`);
  }
} catch (e) {
  log(`failed: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
