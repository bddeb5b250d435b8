/**
 * Debian's Chromium driven by playwright-core (Playwright cannot download its own browser here). Needs
 * /usr/bin/chromium (or `CHROMIUM_PATH`): `sh setup.sh --system` or `apt-get install -y chromium`; without it
 * the tests fail with that message instead of skipping. The flags keep Chromium off the network (a closed
 * network refuses its background connections by the dozen) and let it run as root in a container.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: the HUD browser tests need it. Run \`sh setup.sh --system\` or \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
