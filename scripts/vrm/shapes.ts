// The generated avatar's geometry: a head (a sphere with mouth and mood morph targets), two
// eyes (spheres that squash to blink) and a box for shoulders. Faces +Z, as VRM 1.0 does.

export type Vec3 = [number, number, number];

export type Shape = {
  positions: number[];
  normals: number[];
  uvs: number[];
  indices: number[];
  /** Named morph targets: a position delta per vertex. */
  targets: { name: string; deltas: number[] }[];
};

/** A UV sphere of `rings` × `segments` around the origin. */
function sphere(radius: number, rings: number, segments: number): Shape {
  const positions: number[] = [];
  const normals: number[] = [];
  const uvs: number[] = [];
  const indices: number[] = [];
  for (let r = 0; r <= rings; r++) {
    const theta = (r / rings) * Math.PI;
    for (let s = 0; s <= segments; s++) {
      const phi = (s / segments) * 2 * Math.PI;
      const n: Vec3 = [
        Math.sin(theta) * Math.sin(phi),
        Math.cos(theta),
        Math.sin(theta) * Math.cos(phi),
      ];
      positions.push(...n.map((v) => v * radius));
      normals.push(...n);
      uvs.push(s / segments, r / rings);
    }
  }
  const row = segments + 1;
  for (let r = 0; r < rings; r++)
    for (let s = 0; s < segments; s++) {
      const a = r * row + s;
      indices.push(a, a + row, a + 1, a + 1, a + row, a + row + 1);
    }
  return { positions, normals, uvs, indices, targets: [] };
}

/** Each vertex's delta from `move(vertex, weight)`, weight falling off around `at`. */
function morph(shape: Shape, at: Vec3, spread: number, move: (v: Vec3, w: number) => Vec3) {
  const deltas: number[] = [];
  for (let i = 0; i < shape.positions.length; i += 3) {
    const v = shape.positions.slice(i, i + 3) as Vec3;
    const d2 = v.reduce((sum, c, k) => sum + (c - at[k]!) ** 2, 0);
    const w = Math.exp(-d2 / (spread * spread));
    deltas.push(...move(v, w).map((c) => (Math.abs(c) < 1e-6 ? 0 : c)));
  }
  return deltas;
}

const HEAD_RADIUS = 0.11;
const MOUTH: Vec3 = [0, -0.045, 0.1];

/** The head, with a morph target for each mouth shape and mood. */
export function head(): Shape {
  const shape = sphere(HEAD_RADIUS, 12, 20);
  const mouth = (move: (v: Vec3, w: number) => Vec3) => morph(shape, MOUTH, 0.035, move);
  const corners = (dy: number) => mouth(([x], w) => [0, Math.abs(x) > 0.015 ? dy * w : 0, 0]);
  const lowerLip = (dy: number, dz = 0) =>
    mouth(([, y], w) => [0, y < MOUTH[1] ? dy * w : 0, dz * w]);
  shape.targets = [
    { name: 'aa', deltas: lowerLip(-0.035) },
    { name: 'ih', deltas: mouth(([x], w) => [x * 0.5 * w, -0.008 * w, 0]) },
    { name: 'ou', deltas: mouth(([x], w) => [-x * 0.5 * w, 0, 0.02 * w]) },
    { name: 'ee', deltas: mouth(([x, y], w) => [x * 0.4 * w, y < MOUTH[1] ? -0.014 * w : 0, 0]) },
    { name: 'oh', deltas: lowerLip(-0.025, 0.012) },
    { name: 'happy', deltas: corners(0.018) },
    { name: 'sad', deltas: corners(-0.018) },
    { name: 'relaxed', deltas: corners(0.008) },
    { name: 'surprised', deltas: lowerLip(-0.03, 0.006) },
    { name: 'angry', deltas: mouth(([x], w) => [-x * 0.2 * w, 0.006 * w, 0]) },
  ];
  return shape;
}

/** An eye: its one morph target squashes it shut. */
export function eye(): Shape {
  const shape = sphere(0.018, 6, 10);
  shape.targets = [
    { name: 'blink', deltas: morph(shape, [0, 0, 0], 1, ([, y]) => [0, -0.9 * y, 0]) },
  ];
  return shape;
}

/** Shoulders: a box centred on the origin, a face of four vertices per side. */
export function box(size: Vec3): Shape {
  const shape: Shape = { positions: [], normals: [], uvs: [], indices: [], targets: [] };
  const half = size.map((v) => v / 2) as Vec3;
  for (let axis = 0; axis < 3; axis++)
    for (const sign of [1, -1]) {
      const [u, v] = [(axis + 1) % 3, (axis + 2) % 3];
      const base = shape.positions.length / 3;
      for (const [a, b] of [
        [-1, -1],
        [1, -1],
        [1, 1],
        [-1, 1],
      ] as const) {
        const p: Vec3 = [0, 0, 0];
        p[axis] = sign * half[axis];
        p[u] = a * half[u] * sign;
        p[v] = b * half[v];
        const n: Vec3 = [0, 0, 0];
        n[axis] = sign;
        shape.positions.push(...p);
        shape.normals.push(...n);
        shape.uvs.push((a + 1) / 2, (b + 1) / 2);
      }
      shape.indices.push(base, base + 1, base + 2, base, base + 2, base + 3);
    }
  return shape;
}
