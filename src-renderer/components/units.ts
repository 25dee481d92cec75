// How sizes and money read in the workspace: bytes as GB (or MB below one), cents as dollars.
export const size = (bytes: number) =>
  bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;

export const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;
