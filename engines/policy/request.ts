// Turns an action request as written into the canonical request L5 decides on and executors
// act on, with its hash (what an approval ticket is bound to) and the scopes a grant could take.
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { AetherError, inputSchema, type ActionRequest } from '../bus/index.ts';
import { canonicalJson } from './audit/canonical.ts';
import { catalog, isCapability, type Capability } from './catalog.ts';
import type { Resource, Scope } from './grants.ts';
import { commandFacts } from './exec-safety.ts';
import { canonicalCommand, canonicalPath, canonicalUrl, linkedKey } from './resources.ts';

export type ScopeOption = { id: string; label: string; scope: Scope };

export type CanonicalRequest = {
  capability: Capability;
  /** Parsed by the capability's input schema (capability-inputs.ts). */
  input: unknown;
  resource: Resource;
  display: string;
  escalate: boolean;
  /** Why it needs a person each time (shell syntax, an interpreter…). */
  escalateReason?: string;
  path?: string;
  argv?: string[];
  url?: string;
  hash: string;
  scopeOptions: ScopeOption[];
};

export function canonicalize(request: ActionRequest, workspace: string): CanonicalRequest {
  if (!isCapability(request.capability))
    throw new AetherError(
      'BadRequest',
      `unknown capability ${String(request.capability).slice(0, 64)}`,
    );
  const capability = request.capability;
  const parsed = inputSchema(capability).safeParse(request.input);
  if (!parsed.success)
    throw new AetherError(
      'BadRequest',
      `the input of ${capability} is not valid: ${parsed.error.issues[0]?.path.join('.') || '(root)'}: ${parsed.error.issues[0]?.message}`,
    );
  const base = { capability, input: parsed.data as unknown, escalate: false };
  let out: Omit<CanonicalRequest, 'hash'>;
  switch (catalog[capability].resource) {
    case 'path': {
      const path = canonicalPath(request.target, workspace);
      const folder = capability === 'files.list' ? path : dirname(path);
      const linked = linkedKey(path);
      out = {
        ...base,
        path,
        display: path,
        resource: { kind: 'path', path, ...(linked ? { linked: [linked] } : {}) },
        scopeOptions: [
          {
            id: 'exact',
            label: capability === 'files.list' ? 'This folder only' : 'This file',
            scope: { kind: 'path', root: path },
          },
          { id: 'folder', label: `Everything in ${folder}`, scope: { kind: 'path', root: folder } },
        ],
      };
      break;
    }
    case 'command': {
      const { argv, shellLike } = canonicalCommand(request.target);
      const program = argv.slice(0, Math.min(2, argv.length));
      const facts = commandFacts(argv, workspace);
      out = {
        ...base,
        argv,
        escalate: shellLike || facts.critical !== null,
        escalateReason: shellLike ? 'shell-syntax-needs-a-person' : (facts.critical ?? undefined),
        display: argv.join(' '),
        resource: {
          kind: 'command',
          argv,
          programs: facts.programs,
          argPaths: facts.argPaths,
          lastUnsafeArg: facts.lastUnsafeArg,
          linked: facts.argPaths.map(linkedKey).filter((k): k is string => k !== null),
        },
        scopeOptions: [
          { id: 'exact', label: 'This exact command', scope: { kind: 'command', prefix: argv } },
          ...(argv.length > 2
            ? [
                {
                  id: 'program',
                  label: `Any "${program.join(' ')} …" command`,
                  scope: { kind: 'command' as const, prefix: program },
                },
              ]
            : []),
        ],
      };
      break;
    }
    case 'url': {
      const url = canonicalUrl(request.target);
      out = {
        ...base,
        url: url.href,
        display: url.href,
        resource: {
          kind: 'host',
          host: url.host,
          port: url.port,
          privateAddress: url.privateAddress,
        },
        scopeOptions: [
          {
            id: 'host',
            label: `Anything on ${url.host}:${url.port}`,
            scope: { kind: 'host', host: url.host, port: url.port },
          },
        ],
      };
      break;
    }
    case 'model': {
      const [provider, model = ''] = request.target.split('/', 2);
      out = {
        ...base,
        display: request.target,
        resource: { kind: 'model', provider, model },
        scopeOptions: [
          {
            id: 'provider',
            label: `Any model of ${provider}`,
            scope: { kind: 'model', provider, model: null },
          },
        ],
      };
      break;
    }
    default:
      // Nothing to scope; what is shown is what the request says it is about.
      out = {
        ...base,
        display: request.target.slice(0, 500),
        resource: { kind: 'none' },
        scopeOptions: [{ id: 'any', label: 'Whenever asked', scope: { kind: 'any' } }],
      };
  }
  const inputHash =
    base.input === undefined
      ? null
      : createHash('sha256')
          .update(typeof base.input === 'string' ? base.input : canonicalJson(base.input))
          .digest('hex');
  const hash = createHash('sha256')
    .update(canonicalJson({ capability, resource: out.resource, input: inputHash }))
    .digest('hex');
  return { ...out, hash };
}

/** A scope the user typed into the approval card, made canonical like a request. */
export function customScope(request: CanonicalRequest, text: string, workspace: string): Scope {
  switch (request.resource.kind) {
    case 'path':
      return { kind: 'path', root: canonicalPath(text, workspace) };
    case 'command':
      return { kind: 'command', prefix: canonicalCommand(text).argv };
    case 'host': {
      const url = canonicalUrl(text.includes('://') ? text : `https://${text}`);
      return { kind: 'host', host: url.host, port: text.includes(':') ? url.port : null };
    }
    default:
      return { kind: 'any' };
  }
}

export function describeScope(scope: Scope): string {
  switch (scope.kind) {
    case 'path':
      return scope.root;
    case 'command':
      return scope.prefix.join(' ');
    case 'host':
      return scope.port === null ? scope.host : `${scope.host}:${scope.port}`;
    case 'model':
      return scope.model ? `${scope.provider}/${scope.model}` : scope.provider;
    case 'any':
      return 'anything';
  }
}
