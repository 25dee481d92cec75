// L4's model manager: the catalog, installed models, downloads and the default model.
import { z } from 'zod';
import { command } from '../define.ts';
import { errorInfoSchema } from '../errors.ts';

export const modelPurposes = ['chat', 'embedding', 'speech'] as const;

/** One file of a speech pack: where it comes from and where it goes inside the pack's folder. */
const packFileSchema = z.object({
  path: z.string(),
  url: z.string(),
  sizeBytes: z.number(),
  sha256: z.string().nullable(),
});

export const catalogEntrySchema = z.object({
  id: z.string(),
  name: z.string(),
  purpose: z.enum(modelPurposes),
  /** The file to download (a speech pack: its first file; the gate is asked for this URL). */
  url: z.string(),
  /** The file's name in the models folder (a speech pack: its folder under DATA/speech). */
  file: z.string(),
  sizeBytes: z.number(),
  sha256: z.string().nullable(),
  licence: z.string(),
  minRamGb: z.number(),
  recommended: z.boolean(),
  /** A speech pack's files, and its pack.json without the checksums (written after download). */
  files: z.array(packFileSchema).optional(),
  pack: z.record(z.string(), z.unknown()).optional(),
});
export type CatalogEntry = z.infer<typeof catalogEntrySchema>;

export const installedModelSchema = z.object({
  id: z.string(),
  name: z.string(),
  purpose: z.enum(modelPurposes),
  path: z.string(),
  sha256: z.string().nullable(),
  sizeBytes: z.number(),
  source: z.enum(['catalog', 'import']),
  installedAt: z.number(),
});
export type InstalledModel = z.infer<typeof installedModelSchema>;

export const downloadStateSchema = z.object({
  id: z.string(),
  received: z.number(),
  total: z.number().nullable(),
  bytesPerSecond: z.number(),
});

const id = z.string().min(1).max(128);

export const modelCommands = {
  'models.list': command(
    z.object({}),
    z.object({
      installed: z.array(installedModelSchema),
      catalog: z.array(
        catalogEntrySchema.extend({
          installed: z.boolean(),
          /** Bytes of a download that was cut off (a quit, a crash): Download resumes from there. */
          partialBytes: z.number().int().nonnegative(),
        }),
      ),
      downloads: z.array(downloadStateSchema),
      defaultChat: z.string().nullable(),
      smallChat: z.string().nullable(),
    }),
    { reads: true },
  ),
  'models.download': command(
    z.object({ catalogId: id }),
    z.object({ started: z.boolean(), reason: z.string().nullable() }),
    { effect: 'models.download' },
  ),
  'models.cancel_download': command(
    z.object({ catalogId: id }),
    z.object({ cancelled: z.boolean() }),
    { audit: 'models.download_cancelled' },
  ),
  'models.import': command(
    z.object({ path: z.string().min(1).max(4096) }),
    z.object({ model: installedModelSchema.nullable(), reason: z.string().nullable() }),
    { effect: 'models.import' },
  ),
  'models.remove': command(z.object({ id }), z.object({ removed: z.boolean() }), {
    audit: 'models.removed',
  }),
  'models.set_default': command(z.object({ id }), z.object({ model: installedModelSchema }), {
    audit: 'models.default_changed',
  }),
  /** The model for quick replies (short chat); null turns the quick tier off. */
  'models.set_small': command(
    z.object({ id: id.nullable() }),
    z.object({ model: installedModelSchema.nullable() }),
    { audit: 'models.default_changed' },
  ),
};

export const modelEvents = {
  'models.download_progress': downloadStateSchema,
  'models.download_finished': z.object({
    id,
    ok: z.boolean(),
    error: errorInfoSchema.nullable(),
    sha256: z.string().nullable(),
  }),
  'models.changed': z.object({ reason: z.string() }),
};
