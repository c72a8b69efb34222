import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
  /** Hashed build assets never change under one name. */
  immutable: boolean;
}

/**
 * A file of the built console (`dist/web`), or its index.html for any other path under /console
 * (the app routes on the client). `relative` is the path after `/console/`.
 */
export async function readStaticFile(root: string, relative: string): Promise<StaticFile | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return undefined;
  }
  const cleaned = normalize(decoded).replace(/^([/\\])+/, '');
  const full = join(root, cleaned);
  if (full !== root && !full.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined;
  if (cleaned !== '' && cleaned !== '.' && (await isFile(full))) {
    return { body: await readFile(full), contentType: TYPES[extname(full)] ?? 'application/octet-stream', immutable: cleaned.startsWith('assets') };
  }
  // Missing assets are 404s; everything else is a client-side route.
  if (cleaned.startsWith('assets')) return undefined;
  const index = join(root, 'index.html');
  if (!(await isFile(index))) return undefined;
  return { body: await readFile(index), contentType: TYPES['.html'] ?? 'text/html', immutable: false };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
