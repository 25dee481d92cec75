// Executors on a real temp folder, real processes and a real HTTP server on 127.0.0.1.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToolset } from './index.ts';
import { isPrivateAddress } from './web.ts';

const top = realpathSync(mkdtempSync(join(tmpdir(), 'aether-tools-')));
const tools = createToolset({ workspace: () => top, trashDir: join(top, '.trash') });
const signal = new AbortController().signal;

let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/big') {
      res.end('x'.repeat(3 * 1024 * 1024));
      return;
    }
    if (req.url === '/redirect') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
      return;
    }
    res.end('hello from the fixture');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
});

describe('file executors', () => {
  it('writes atomically, reads back, lists, and deletes to the trash', async () => {
    const path = join(top, 'note.txt');
    await tools['files.write']({ capability: 'files.write', path, input: 'first', signal });
    await tools['files.write']({ capability: 'files.write', path, input: 'second', signal });
    expect(readFileSync(path, 'utf8')).toBe('second');
    expect(readdirSync(top).filter((f) => f.includes('aether-'))).toEqual([]); // no temp files left
    expect((await tools['files.read']({ capability: 'files.read', path, signal })).output).toBe(
      'second',
    );
    expect(
      (await tools['files.list']({ capability: 'files.list', path: top, signal })).output,
    ).toContain('note.txt');
    const moved = await tools['files.delete']({ capability: 'files.delete', path, signal });
    expect(existsSync(path)).toBe(false);
    expect(readFileSync(moved.output, 'utf8')).toBe('second');
  });

  it('refuses oversized writes and reads only the first megabyte of a large file', async () => {
    await expect(
      tools['files.write']({
        capability: 'files.write',
        path: join(top, 'huge'),
        input: 'x'.repeat(6 * 1024 * 1024),
        signal,
      }),
    ).rejects.toMatchObject({ code: 'BadRequest' });
    writeFileSync(join(top, 'large'), 'y'.repeat(2 * 1024 * 1024));
    const r = await tools['files.read']({
      capability: 'files.read',
      path: join(top, 'large'),
      signal,
    });
    expect(r.output.length).toBe(1024 * 1024);
    expect(r.summary).toMatch(/first 1048576 of 2097152 bytes/);
    await expect(
      tools['files.read']({ capability: 'files.read', path: join(top, 'missing'), signal }),
    ).rejects.toMatchObject({ code: 'NotFound' });
  });
});

describe('process executor', () => {
  it('runs argv without a shell, in the workspace, with a scrubbed environment', async () => {
    process.env.AETHER_SECRET_FOR_TEST = 'leak';
    const r = await tools['process.exec']({
      capability: 'process.exec',
      argv: ['sh', '-c', 'pwd; echo "$AETHER_SECRET_FOR_TEST"; echo $PATH'],
      signal,
    });
    expect(r.output.split('\n')[0]).toBe(top);
    expect(r.output).not.toContain('leak');
    const literal = await tools['process.exec']({
      capability: 'process.exec',
      argv: ['echo', '$(whoami)', ';', 'ls'],
      signal,
    });
    expect(literal.output).toBe('$(whoami) ; ls\n');
    await expect(
      tools['process.exec']({
        capability: 'process.exec',
        argv: ['no-such-program-aether'],
        signal,
      }),
    ).rejects.toMatchObject({ code: 'ToolFailed' });
  });
});

describe('web executor', () => {
  it('refuses private addresses unless granted, caps the size and does not follow redirects', async () => {
    await expect(
      tools['web.fetch']({ capability: 'web.fetch', url: `${base}/`, signal }),
    ).rejects.toMatchObject({ code: 'PolicyDenied' });
    const ok = await tools['web.fetch']({
      capability: 'web.fetch',
      url: `${base}/`,
      allowPrivateNetwork: true,
      signal,
    });
    expect(ok.output).toBe('hello from the fixture');
    const big = await tools['web.fetch']({
      capability: 'web.fetch',
      url: `${base}/big`,
      allowPrivateNetwork: true,
      signal,
    });
    expect(big.output.length).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(big.summary).toMatch(/cut/);
    const redirect = await tools['web.fetch']({
      capability: 'web.fetch',
      url: `${base}/redirect`,
      allowPrivateNetwork: true,
      signal,
    });
    expect(redirect.output).toMatch(/not followed/);
  });

  it('knows private address ranges', () => {
    for (const ip of [
      '127.0.0.1',
      '10.0.0.8',
      '192.168.1.1',
      '172.20.0.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      'fe80::1',
    ])
      expect(isPrivateAddress(ip)).toBe(true);
    for (const ip of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '172.32.0.1'])
      expect(isPrivateAddress(ip)).toBe(false);
  });
});

describe('clipboard executor', () => {
  it('answers Unsupported in headless mode', async () => {
    await expect(
      tools['clipboard.read']({ capability: 'clipboard.read', signal }),
    ).rejects.toMatchObject({ code: 'Unsupported' });
  });
});
