// Adds a package electron-builder did not make (our .deb, built by deb.ts) to the update feed it
// wrote for the same build, so DebUpdater finds it: its name, sha512 and size. Run in each Linux
// build job, before the publish job signs the feeds.
// `node scripts/release/feed-add.ts dist/latest-linux.yml dist/aether_1.0.0_amd64.deb`
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse, stringify } from 'yaml';

type FeedFile = { url: string; sha512: string; size: number };

export function addToFeed(feedText: string, file: string): string {
  const feed = parse(feedText) as { files?: FeedFile[] };
  const entry = {
    url: basename(file),
    sha512: createHash('sha512').update(readFileSync(file)).digest('base64'),
    size: statSync(file).size,
  };
  feed.files = [...(feed.files ?? []).filter((f) => f.url !== entry.url), entry];
  return stringify(feed);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [feed, ...files] = process.argv.slice(2);
  if (!feed || files.length === 0) throw new Error('usage: feed-add.ts FEED.yml FILE …');
  let text = readFileSync(feed, 'utf8');
  for (const f of files) text = addToFeed(text, f);
  writeFileSync(feed, text);
}
