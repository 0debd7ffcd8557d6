/**
 * Debian's Chromium driven by playwright-core (no browser download is possible here). When
 * the browser is missing this throws, so every browser test fails with the reason and the
 * fix: a console change must not pass unseen because the machine lacks a browser.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.VRACU_CHROMIUM ?? '/usr/bin/chromium';

/** Flags known to work on these machines: no GPU, and no background connections the closed network refuses. */
export const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export class ChromiumMissingError extends Error {
  constructor(path: string) {
    super(
      `Chromium not found at ${path}: the browser tests need a real browser and do not skip. ` +
        "Install Debian's: `apt-get update && apt-get install -y --no-install-recommends chromium` (.ci/run does), or set VRACU_CHROMIUM to its path.",
    );
    this.name = 'ChromiumMissingError';
  }
}

/** A headless Chromium with a fresh profile (Playwright makes a new user-data dir per launch). */
export async function launchChromium(path = CHROMIUM): Promise<Browser> {
  if (!existsSync(path)) throw new ChromiumMissingError(path);
  return chromium.launch({ executablePath: path, headless: true, args: CHROMIUM_ARGS });
}
