// The executors the composition root registers into L5, by capability.
import { AetherError, type Executors, type ToolExecutor } from '../bus/index.ts';
import { deleteToTrash, listFolder, readFile, restoreFromTrash, writeKeeping } from './files.ts';
import { runProcess } from './process.ts';
import { fetchUrl } from './web.ts';

export type Clipboard = {
  read(): string | Promise<string>;
  write(text: string): void | Promise<void>;
};

const unsupported =
  (what: string): ToolExecutor<'clipboard.read' | 'clipboard.write'> =>
  async () => {
    throw new AetherError('Unsupported', `${what} is not available in headless mode`);
  };

export function createToolset(options: {
  /** The workspace folder now: programs run there. */
  workspace: () => string;
  trashDir: string;
  clipboard?: Clipboard;
}) {
  const { clipboard } = options;
  return {
    'files.read': readFile,
    'files.list': listFolder,
    'files.write': writeKeeping(options.trashDir),
    'files.restore': restoreFromTrash(options.trashDir),
    'files.delete': deleteToTrash(options.trashDir),
    'process.exec': runProcess(options.workspace),
    'web.fetch': fetchUrl,
    'clipboard.read': clipboard
      ? async () => ({ summary: 'read the clipboard', output: await clipboard.read() })
      : unsupported('The clipboard'),
    'clipboard.write': clipboard
      ? async (req: { input?: string }) => {
          await clipboard.write(req.input ?? '');
          return { summary: 'wrote to the clipboard', output: '' };
        }
      : unsupported('The clipboard'),
  } satisfies Executors;
}

export { LIMITS as FILE_LIMITS } from './files.ts';
export { createFetch, isPrivateAddress, type Resolve } from './web.ts';
