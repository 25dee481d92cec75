// Sets a feed's staged rollout: the share of installations (1–100) offered the update; 100 takes
// the limit away. The feeds must be signed again after (sign-feed.ts).
// `node scripts/release/stage.ts PERCENT feed.yml [more.yml …]`
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';

export function stageFeed(text: string, percent: number): string {
  if (!Number.isInteger(percent) || percent < 1 || percent > 100)
    throw new Error(`a rollout share is 1 to 100, not ${percent}`);
  const feed = parse(text) as Record<string, unknown>;
  if (percent === 100) delete feed.stagingPercentage;
  else feed.stagingPercentage = percent;
  return stringify(feed);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [percent, ...files] = process.argv.slice(2);
  for (const f of files) writeFileSync(f, stageFeed(readFileSync(f, 'utf8'), Number(percent)));
}
