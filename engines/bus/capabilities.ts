// What Aether can be allowed to do, and how risky each thing is: part of the contract, so a
// command's declared effect and L5's decisions name the same closed set. The risk class picks the
// default mode in each preset; critical is never automatic.
export const risks = ['low', 'medium', 'high', 'critical'] as const;
export type Risk = (typeof risks)[number];

export type ResourceKind = 'path' | 'command' | 'url' | 'model' | 'none';

export const capabilities = {
  'files.read': { risk: 'medium', resource: 'path', label: 'Read a file' },
  'files.list': { risk: 'medium', resource: 'path', label: 'List a folder' },
  'files.write': { risk: 'high', resource: 'path', label: 'Write a file' },
  'files.delete': { risk: 'high', resource: 'path', label: 'Delete a file (to the trash)' },
  'files.restore': {
    risk: 'high',
    resource: 'path',
    label: "Undo a file change (from Aether's trash)",
  },
  'process.exec': { risk: 'high', resource: 'command', label: 'Run a program' },
  'web.fetch': { risk: 'medium', resource: 'url', label: 'Fetch a web page' },
  'clipboard.read': { risk: 'medium', resource: 'none', label: 'Read the clipboard' },
  'clipboard.write': { risk: 'low', resource: 'none', label: 'Write to the clipboard' },
  'memory.write_durable': {
    risk: 'medium',
    resource: 'none',
    label: 'Remember something long-term',
  },
  'memory.export': { risk: 'high', resource: 'path', label: 'Export all memories' },
  'models.download': { risk: 'medium', resource: 'url', label: 'Download a model' },
  'models.import': { risk: 'medium', resource: 'path', label: 'Use a model file from your disk' },
  /** The desktop app's update check and download (it sends nothing of the user's). */
  'app.update': { risk: 'low', resource: 'url', label: "Check for Aether's own updates" },
  'avatar.import': { risk: 'medium', resource: 'none', label: 'Show a 3D avatar from a file' },
  'router.remote': { risk: 'medium', resource: 'model', label: 'Ask a remote model' },
  'router.remote_with_private': {
    risk: 'high',
    resource: 'model',
    label: 'Send private context to a remote model',
  },
  'router.configure': { risk: 'high', resource: 'url', label: 'Connect to a remote model server' },
  'persona.edit': { risk: 'medium', resource: 'path', label: 'Change a persona' },
  'audit.export': { risk: 'medium', resource: 'path', label: 'Export the audit log' },
  'policy.admin': { risk: 'critical', resource: 'none', label: 'Change what Aether may do' },
  'data.export': {
    risk: 'high',
    resource: 'path',
    label: 'Export everything Aether keeps (conversations, memory, personas, grants, audit log)',
  },
  'data.delete_all': {
    risk: 'critical',
    resource: 'none',
    label: 'Delete everything Aether keeps, and its keys',
  },
} as const satisfies Record<string, { risk: Risk; resource: ResourceKind; label: string }>;

export type CapabilityName = keyof typeof capabilities;
export const capabilityNames = Object.keys(capabilities) as CapabilityName[];

export const isCapability = (name: string): name is CapabilityName =>
  Object.hasOwn(capabilities, name);
