// Bytes as base64 for commands that carry a file (a persona card, an avatar's pieces), in
// slices so a large file does not overflow the argument list of String.fromCharCode.
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
