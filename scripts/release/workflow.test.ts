// The release workflow can only run on hosted runners; what can be checked here is its shape:
// every action pinned by commit, secrets only in jobs of the protected environment, tests
// before any build, every build job checking its artifact and smoke-testing it, one publish job.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { addToFeed } from './feed-add.ts';
import { checkSigningKey } from './sign-feed.ts';
import { stageFeed } from './stage.ts';

type Step = { uses?: string; run?: string; name?: string; env?: Record<string, string> };
type Job = { needs?: string | string[]; environment?: string; steps: Step[] };
const workflow = parse(readFileSync('.github/workflows/release.yml', 'utf8')) as {
  on: { push: { tags: string[] } };
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
};
const jobs = Object.entries(workflow.jobs);
const needs = (j: Job) => (Array.isArray(j.needs) ? j.needs : j.needs ? [j.needs] : []);
const BUILDS = ['linux', 'mac', 'windows'];

describe('the release workflow', () => {
  it('runs on version tags, read-only by default', () => {
    expect(workflow.on.push.tags).toEqual(['v*']);
    expect(workflow.permissions).toEqual({ contents: 'read' });
  });

  it('pins every action by a full commit SHA', () => {
    const uses = jobs.flatMap(([, j]) => j.steps.flatMap((s) => (s.uses ? [s.uses] : [])));
    expect(uses.length).toBeGreaterThan(10);
    for (const u of uses) expect(u, u).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
  });

  it('uses secrets only in jobs of the protected release environment', () => {
    for (const [name, job] of jobs) {
      const text = JSON.stringify(job);
      if (/secrets\./.test(text)) expect(job.environment, name).toBe('release');
    }
    expect(JSON.stringify(workflow.jobs.linux)).not.toMatch(/secrets\./);
  });

  it('tests first, checks and smoke-tests every package, then publishes once', () => {
    for (const b of BUILDS) {
      const job = workflow.jobs[b];
      expect(needs(job), b).toContain('test');
      const names = job.steps.map((s) => s.name ?? '');
      expect(names, b).toContain('verify-artifact');
      expect(
        names.some((n) => /smoke test/.test(n)),
        b,
      ).toBe(true);
    }
    const publishers = jobs.filter(([, j]) => JSON.stringify(j).includes('gh release create'));
    expect(publishers.map(([n]) => n)).toEqual(['publish']);
    expect(needs(workflow.jobs.publish).sort()).toEqual([...BUILDS].sort());
    const publish = JSON.stringify(workflow.jobs.publish);
    for (const step of ['sign-feed.ts', 'sums.ts', 'attest-build-provenance', '--verify-tag'])
      expect(publish).toContain(step);
  });

  it("adds the .deb to its build's feed, once, with its sha512 and size", () => {
    const deb = join(mkdtempSync(join(tmpdir(), 'aether-feed-')), 'aether_1.1.0_amd64.deb');
    writeFileSync(deb, 'deb bytes');
    const feed =
      'version: 1.1.0\nfiles:\n  - url: Aether-1.1.0.AppImage\n    sha512: x\n    size: 1\n';
    const twice = parse(addToFeed(addToFeed(feed, deb), deb));
    expect(twice.files.map((f: { url: string }) => f.url)).toEqual([
      'Aether-1.1.0.AppImage',
      'aether_1.1.0_amd64.deb',
    ]);
    expect(twice.files[1]).toEqual({
      url: 'aether_1.1.0_amd64.deb',
      sha512: createHash('sha512').update('deb bytes').digest('base64'),
      size: 9,
    });
    const linux = workflow.jobs.linux.steps.map((s) => s.run ?? '').join('\n');
    expect(linux).toMatch(/feed-add\.ts/);
  });

  it('signs feeds only with the key whose public half the app carries', () => {
    const key = ed25519.utils.randomSecretKey();
    const trusted = bytesToHex(ed25519.getPublicKey(key));
    expect(() => checkSigningKey(bytesToHex(key), trusted)).not.toThrow();
    const other = bytesToHex(ed25519.utils.randomSecretKey());
    expect(() => checkSigningKey(other, trusted)).toThrow(/not RELEASE_PUBLIC_KEY/);
    expect(() => checkSigningKey(bytesToHex(key), null)).toThrow(/not RELEASE_PUBLIC_KEY/);
    expect(() => checkSigningKey('not hex', trusted)).toThrow(/64 hex digits/);
  });

  it('sets and clears a staged rollout in a feed', () => {
    const feed = 'version: 1.1.0\nfiles: []\n';
    expect(parse(stageFeed(feed, 30)).stagingPercentage).toBe(30);
    expect(parse(stageFeed(stageFeed(feed, 30), 100)).stagingPercentage).toBeUndefined();
    expect(() => stageFeed(feed, 0)).toThrow(/1 to 100/);
  });
});
