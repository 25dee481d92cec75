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

type Shaped = Omit<CanonicalRequest, 'hash' | 'capability' | 'input' | 'escalate'> & {
  escalate?: boolean;
};

function pathRequest(capability: Capability, target: string, workspace: string): Shaped {
  const path = canonicalPath(target, workspace);
  const folder = capability === 'files.list' ? path : dirname(path);
  const linked = linkedKey(path);
  return {
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
}

function commandRequest(target: string, workspace: string): Shaped {
  const { argv, shellLike } = canonicalCommand(target);
  const program = argv.slice(0, Math.min(2, argv.length));
  const facts = commandFacts(argv, workspace);
  const programScope = {
    id: 'program',
    label: `Any "${program.join(' ')} …" command`,
    scope: { kind: 'command' as const, prefix: program },
  };
  return {
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
      ...(argv.length > 2 ? [programScope] : []),
    ],
  };
}

function urlRequest(target: string): Shaped {
  const { href, host, port, privateAddress } = canonicalUrl(target);
  return {
    url: href,
    display: href,
    resource: { kind: 'host', host, port, privateAddress },
    scopeOptions: [
      { id: 'host', label: `Anything on ${host}:${port}`, scope: { kind: 'host', host, port } },
    ],
  };
}

function modelRequest(target: string): Shaped {
  const [provider, model = ''] = target.split('/', 2);
  return {
    display: target,
    resource: { kind: 'model', provider, model },
    scopeOptions: [
      {
        id: 'provider',
        label: `Any model of ${provider}`,
        scope: { kind: 'model', provider, model: null },
      },
    ],
  };
}

// Nothing to scope; what is shown is what the request says it is about.
const otherRequest = (target: string): Shaped => ({
  display: target.slice(0, 500),
  resource: { kind: 'none' },
  scopeOptions: [{ id: 'any', label: 'Whenever asked', scope: { kind: 'any' } }],
});

function shape(capability: Capability, target: string, workspace: string): Shaped {
  switch (catalog[capability].resource) {
    case 'path':
      return pathRequest(capability, target, workspace);
    case 'command':
      return commandRequest(target, workspace);
    case 'url':
      return urlRequest(target);
    case 'model':
      return modelRequest(target);
    default:
      return otherRequest(target);
  }
}

export function canonicalize(request: ActionRequest, workspace: string): CanonicalRequest {
  if (!isCapability(request.capability))
    throw new AetherError(
      'BadRequest',
      `unknown capability ${String(request.capability).slice(0, 64)}`,
    );
  const capability = request.capability;
  const parsed = inputSchema(capability).safeParse(request.input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = `${issue?.path.join('.') || '(root)'}: ${issue?.message}`;
    throw new AetherError('BadRequest', `the input of ${capability} is not valid: ${where}`);
  }
  const input = parsed.data as unknown;
  const shaped = shape(capability, request.target, workspace);
  const out = { capability, input, ...shaped, escalate: shaped.escalate ?? false };
  const inputHash =
    input === undefined
      ? null
      : createHash('sha256')
          .update(typeof input === 'string' ? input : canonicalJson(input))
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
