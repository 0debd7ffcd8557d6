/** Without a browser the console's browser tests fail, naming the fix, instead of passing unseen. */
import { describe, expect, it } from 'vitest';
import { CHROMIUM, ChromiumMissingError, launchChromium } from './support/chromium.ts';

describe('the Chromium the browser tests need', () => {
  it('a missing binary is an error that says how to install it', async () => {
    const missing = launchChromium('/nonexistent/chromium');
    await expect(missing).rejects.toBeInstanceOf(ChromiumMissingError);
    await expect(missing).rejects.toThrow(/not found at \/nonexistent\/chromium.*do not skip.*apt-get install -y --no-install-recommends chromium/);
  });

  it(`is installed here (${CHROMIUM}) and starts headless`, async () => {
    const browser = await launchChromium();
    try {
      expect(browser.version()).toMatch(/^\d+\./);
    } finally {
      await browser.close();
    }
  });
});
