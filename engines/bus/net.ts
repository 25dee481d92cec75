// Which IP literals reach this machine or its networks. Pure, shared by L5 (URLs as written) and
// the fetch executor (the addresses a name resolves to), so both judge an address the same way.
// IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by that address.

const V4_PRIVATE: Array<[number, number, number]> = [
  // [first octet, second-octet low, second-octet high] (inclusive)
  [0, 0, 255],
  [10, 0, 255],
  [127, 0, 255],
  [169, 254, 254],
  [172, 16, 31],
  [192, 168, 168],
  [100, 64, 127],
  [198, 18, 19],
];

function v4Octets(text: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const o = m.slice(1).map(Number);
  return o.every((n) => n <= 255) ? o : null;
}

function isPrivateV4(o: number[]): boolean {
  if (o[0] >= 224) return true; // multicast, reserved and broadcast
  if (o[0] === 192 && o[1] === 0 && o[2] === 0) return true;
  return V4_PRIVATE.some(([a, lo, hi]) => o[0] === a && o[1] >= lo && o[1] <= hi);
}

/** The eight 16-bit groups of an IPv6 literal (a dotted IPv4 tail allowed), or null. */
function v6Groups(text: string): number[] | null {
  let s = text.toLowerCase().replace(/%.*$/, '');
  const tail = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(s);
  if (tail) {
    const o = v4Octets(tail[1]);
    if (!o) return null;
    s = `${s.slice(0, -tail[1].length)}${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const part = (h: string) => (h === '' ? [] : h.split(':'));
  const [head, rest] = [part(halves[0]), halves.length === 2 ? part(halves[1]) : []];
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  if (groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => parseInt(g, 16));
}

const embedded = (hi: number, lo: number) => [hi >> 8, hi & 255, lo >> 8, lo & 255];

export function isPrivateAddress(ip: string): boolean {
  const text = ip.replace(/^\[|\]$/g, '');
  const v4 = v4Octets(text);
  if (v4) return isPrivateV4(v4);
  const g = v6Groups(text);
  if (!g) return true; // not an address we can read: never treat it as public
  const zeroUntil = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUntil(7) && g[7] <= 1) return true; // :: and ::1
  if (zeroUntil(5) && (g[5] === 0xffff || g[5] === 0)) return isPrivateV4(embedded(g[6], g[7])); // mapped, compatible
  if (g[0] === 0x64 && g[1] === 0xff9b && (g[2] === 0 || g[2] === 1))
    return isPrivateV4(embedded(g[6], g[7])); // NAT64
  if (g[0] === 0x2002) return isPrivateV4(embedded(g[1], g[2])); // 6to4
  if ((g[0] & 0xfe00) === 0xfc00 || (g[0] & 0xffc0) === 0xfe80 || (g[0] & 0xff00) === 0xff00)
    return true; // ULA, link-local, multicast
  return false;
}

/** A host as written in a URL: local names, or a literal that is private. */
export function isPrivateHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (
    h === '' ||
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    h.endsWith('.local') ||
    h.endsWith('.internal')
  )
    return true;
  if (v4Octets(h) || h.includes(':')) return isPrivateAddress(h);
  return false;
}
