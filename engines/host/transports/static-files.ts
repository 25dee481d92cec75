// Serves the built workspace. Paths are resolved inside the folder and nowhere else.
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

export function contentSecurityPolicy(wsOrigin: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    // blob: — a 3D avatar's textures are decoded from the file's own bytes through blob URLs.
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    `connect-src 'self' blob: ${wsOrigin}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export async function serveStatic(
  root: string,
  urlPath: string,
  res: ServerResponse,
  csp: string,
): Promise<void> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    decoded = '\0';
  }
  const relative = decoded === '/' ? 'index.html' : normalize(decoded).replace(/^([/\\])+/, '');
  const file = join(root, relative);
  if (
    decoded.includes('\0') ||
    !(file === root || file.startsWith(root.endsWith(sep) ? root : root + sep))
  ) {
    res.writeHead(400).end('bad path');
    return;
  }
  try {
    const body = await readFile(file);
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const headers: Record<string, string> = {
      'content-type': type,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    };
    if (type.startsWith('text/html'))
      Object.assign(headers, { 'content-security-policy': csp, 'referrer-policy': 'no-referrer' });
    res.writeHead(200, headers).end(body);
  } catch {
    if (relative === 'index.html') {
      res
        .writeHead(503, { 'content-type': 'text/plain; charset=utf-8' })
        .end(
          'The Aether workspace has not been built yet. Run `npm run build` (npm run serve does it for you).',
        );
    } else {
      res.writeHead(404).end('not found');
    }
  }
}
