/**
 * Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`: commands on
 * fd 3, replies on fd 4, each message JSON ended by a NUL byte), so one browser takes every screenshot
 * and can emulate what the `--screenshot` flag cannot: `prefers-color-scheme: dark`, a client's own
 * forced dark mode (Chromium's auto dark mode, which inverts light pages as Gmail's and Outlook's apps
 * do), and the page's full height. Offline: no network, no profile of the user's.
 * Protocol reference: https://chromedevtools.github.io/devtools-protocol/
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export type ColorScheme = 'light' | 'dark' | 'forced-dark';

export interface ShotOptions {
  /** A file:// URL. */
  url: string;
  width: number;
  scheme: ColorScheme;
  /** A JavaScript expression evaluated in the loaded page; its JSON value is returned as `probe`. */
  probe?: string;
}

export interface Shot {
  png: Buffer;
  /** The page's scroll width in CSS pixels: wider than the window means a horizontal scroll. */
  scrollWidth: number;
  probe?: unknown;
}

export interface Chromium {
  /** A PNG of the whole page at `width` CSS pixels, as tall as its content. */
  screenshot(options: ShotOptions): Promise<Shot>;
  close(): Promise<void>;
}

type Pending = { resolve: (result: Record<string, unknown>) => void; reject: (err: Error) => void };

export async function launchChromium(binary = process.env['CHROMIUM'] ?? 'chromium'): Promise<Chromium> {
  const profile = mkdtempSync(join(tmpdir(), 'crashtriage-chromium-'));
  const child: ChildProcess = spawn(
    binary,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--hide-scrollbars',
      '--remote-debugging-pipe',
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-4000);
  });
  const pending = new Map<number, Pending>();
  const waiters: { method: string; sessionId: string; resolve: () => void }[] = [];
  let nextId = 1;
  let buffered = Buffer.alloc(0);
  fromBrowser.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (let end = buffered.indexOf(0); end !== -1; end = buffered.indexOf(0)) {
      const message = JSON.parse(buffered.subarray(0, end).toString('utf8')) as {
        id?: number;
        method?: string;
        sessionId?: string;
        result?: Record<string, unknown>;
        error?: { message: string };
      };
      buffered = buffered.subarray(end + 1);
      if (message.id !== undefined) {
        const p = pending.get(message.id);
        pending.delete(message.id);
        if (message.error !== undefined) p?.reject(new Error(`chromium: ${message.error.message}`));
        else p?.resolve(message.result ?? {});
      } else if (message.method !== undefined) {
        const i = waiters.findIndex((w) => w.method === message.method && w.sessionId === message.sessionId);
        if (i !== -1) waiters.splice(i, 1)[0]?.resolve();
      }
    }
  });
  const exited = new Promise<never>((_, reject) => {
    child.on('error', (err) => reject(new Error(`cannot start ${binary} (Debian: sudo apt-get install chromium): ${err.message}`)));
    child.on('exit', (code) => reject(new Error(`chromium exited (${code}): ${stderr.trim()}`)));
  });
  exited.catch(() => {});

  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> => {
    const id = nextId++;
    const reply = new Promise<Record<string, unknown>>((resolve, reject) => pending.set(id, { resolve, reject }));
    toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId === undefined ? {} : { sessionId }) })}\0`);
    return Promise.race([reply, exited]);
  };
  const event = (method: string, sessionId: string): Promise<void> =>
    Promise.race([new Promise<void>((resolve) => waiters.push({ method, sessionId, resolve })), exited]);

  await send('Browser.getVersion');
  return {
    async screenshot({ url, width, scheme, probe }) {
      const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
      const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
      try {
        await send('Page.enable', {}, sessionId);
        await send('Emulation.setDeviceMetricsOverride', { width, height: 800, deviceScaleFactor: 1, mobile: width < 480 }, sessionId);
        await send('Emulation.setEmulatedMedia', { features: [{ name: 'prefers-color-scheme', value: scheme === 'dark' ? 'dark' : 'light' }] }, sessionId);
        if (scheme === 'forced-dark') await send('Emulation.setAutoDarkModeOverride', { enabled: true }, sessionId);
        const loaded = event('Page.loadEventFired', sessionId);
        await send('Page.navigate', { url }, sessionId);
        await loaded;
        const evaluate = async (expression: string): Promise<unknown> =>
          ((await send('Runtime.evaluate', { expression, returnByValue: true }, sessionId)) as { result: { value?: unknown } }).result.value;
        const scrollWidth = Number(await evaluate('document.documentElement.scrollWidth'));
        const probed = probe === undefined ? undefined : await evaluate(probe);
        const metrics = (await send('Page.getLayoutMetrics', {}, sessionId)) as { cssContentSize: { width: number; height: number } };
        const height = Math.ceil(metrics.cssContentSize.height);
        const shot = (await send(
          'Page.captureScreenshot',
          { format: 'png', captureBeyondViewport: true, clip: { x: 0, y: 0, width, height, scale: 1 } },
          sessionId,
        )) as { data: string };
        return { png: Buffer.from(shot.data, 'base64'), scrollWidth, ...(probed === undefined ? {} : { probe: probed }) };
      } finally {
        await send('Target.closeTarget', { targetId });
      }
    },
    async close() {
      await send('Browser.close').catch(() => {});
      await new Promise<void>((resolve) => (child.exitCode === null ? child.once('exit', () => resolve()) : resolve()));
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
