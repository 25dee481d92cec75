// Errors are values with a code the UI can act on; they cross process boundaries as plain data.
import { z } from 'zod';

export const errorCodes = [
  'BadRequest', // malformed message or payload that failed its schema
  'UnknownCommand', // no such command, or not callable from outside the host
  'Unauthorized', // missing or wrong token
  'NotFound',
  'TurnInProgress',
  'ModelNotInstalled',
  'ModelLoadFailed',
  'ModelCrashed',
  'GenerationFailed',
  'Interrupted', // the host stopped while a turn was running
  'PersonaInvalid',
  'StorageFailed',
  'AuditUnavailable', // the ledger cannot be written or failed verification: side effects stop
  'PolicyDenied',
  'ApprovalInvalid', // a forged, replayed, expired or mismatched answer to an approval
  'Unsupported', // not available in this mode (e.g. the clipboard headless)
  'ToolFailed',
  'Offline',
  'DownloadFailed',
  'ChecksumMismatch',
  'DiskFull',
  'RemoteAuthFailed', // the remote provider refused the key
  'RemoteUnavailable', // timeouts, 5xx, 429 after retries, or the breaker is open
  'RemoteFailed',
  'SchemaTooNew',
  'SpeechFailed', // the recogniser failed or did not finish in time
  'Internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export const errorInfoSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorInfo = z.infer<typeof errorInfoSchema>;

export class AetherError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AetherError';
    this.code = code;
    this.details = details;
  }
  toInfo(): ErrorInfo {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

/** Any thrown value as an ErrorInfo; unknown errors become Internal without leaking a stack. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof AetherError) return error.toInfo();
  return { code: 'Internal', message: error instanceof Error ? error.message : String(error) };
}
