// A small, valid VRM for tests and benchmarks (no avatar can be downloaded here): a humanoid
// skeleton of VRM's fifteen required bones plus neck, chest and eyes; a head whose morph
// targets are the mouth shapes (aa, ih, ou, ee, oh) and moods; eyes that blink; a texture.
// VRM 1.0 (VRMC_vrm, facing +Z) or VRM 0.x (the VRM extension, facing -Z).
import { GlbBuilder } from './glb.ts';
import { png } from './png.ts';
import { box, eye, head, type Shape, type Vec3 } from './shapes.ts';

export type VrmSpec = '1.0' | '0.x';

const BONES: [name: string, parent: string | null, at: Vec3][] = [
  ['hips', null, [0, 0.95, 0]],
  ['spine', 'hips', [0, 0.1, 0]],
  ['chest', 'spine', [0, 0.15, 0]],
  ['neck', 'chest', [0, 0.2, 0]],
  ['head', 'neck', [0, 0.08, 0]],
  ['leftEye', 'head', [0.038, 0.1, 0.098]],
  ['rightEye', 'head', [-0.038, 0.1, 0.098]],
  ['leftUpperArm', 'chest', [0.17, 0.15, 0]],
  ['leftLowerArm', 'leftUpperArm', [0.25, 0, 0]],
  ['leftHand', 'leftLowerArm', [0.22, 0, 0]],
  ['rightUpperArm', 'chest', [-0.17, 0.15, 0]],
  ['rightLowerArm', 'rightUpperArm', [-0.25, 0, 0]],
  ['rightHand', 'rightLowerArm', [-0.22, 0, 0]],
  ['leftUpperLeg', 'hips', [0.08, -0.05, 0]],
  ['leftLowerLeg', 'leftUpperLeg', [0, -0.42, 0]],
  ['leftFoot', 'leftLowerLeg', [0, -0.42, 0]],
  ['rightUpperLeg', 'hips', [-0.08, -0.05, 0]],
  ['rightLowerLeg', 'rightUpperLeg', [0, -0.42, 0]],
  ['rightFoot', 'rightLowerLeg', [0, -0.42, 0]],
];
const bone = (name: string) => BONES.findIndex(([n]) => n === name);
const FACE_NODE = BONES.length;
const SHOULDERS_NODE = BONES.length + 1;

/** VRM 0.x faces -Z: the same avatar turned half round. */
const facing = (spec: VrmSpec) => (v: number[]) =>
  spec === '1.0' ? v : v.map((c, i) => (i % 3 === 1 ? c : -c));

function mesh(
  b: GlbBuilder,
  name: string,
  shape: Shape,
  material: number,
  turn: (v: number[]) => number[],
) {
  return {
    name,
    primitives: [
      {
        attributes: {
          POSITION: b.floats(turn(shape.positions), 3),
          NORMAL: b.floats(turn(shape.normals), 3),
          TEXCOORD_0: b.floats(shape.uvs, 2),
        },
        indices: b.indices(shape.indices),
        material,
        ...(shape.targets.length
          ? { targets: shape.targets.map((t) => ({ POSITION: b.floats(turn(t.deltas), 3) })) }
          : {}),
      },
    ],
    ...(shape.targets.length ? { extras: { targetNames: shape.targets.map((t) => t.name) } } : {}),
  };
}

function nodes(turn: (v: number[]) => number[]) {
  const list: Record<string, unknown>[] = BONES.map(([name, , at]) => ({
    name,
    translation: turn(at),
    ...(name.endsWith('Eye') ? { mesh: 1 } : {}),
  }));
  list.push({ name: 'Face', mesh: 0, translation: turn([0, 0.09, 0]) });
  list.push({ name: 'Shoulders', mesh: 2, translation: turn([0, 0.05, 0]) });
  const children = (parent: string) => BONES.flatMap(([, p], i) => (p === parent ? [i] : []));
  for (const [name] of BONES) {
    const kids = children(name);
    if (name === 'head') kids.push(FACE_NODE);
    if (name === 'chest') kids.push(SHOULDERS_NODE);
    if (kids.length) list[bone(name)]!.children = kids;
  }
  return list;
}

const material = (name: string, color: number[], texture?: number) => ({
  name,
  doubleSided: true,
  pbrMetallicRoughness: {
    baseColorFactor: color,
    metallicFactor: 0,
    roughnessFactor: 0.9,
    ...(texture === undefined ? {} : { baseColorTexture: { index: texture } }),
  },
});

/** The generated avatar as a .vrm file's bytes. */
export function makeVrm(options: { spec?: VrmSpec; name?: string } = {}): Buffer {
  const spec = options.spec ?? '1.0';
  const name = options.name ?? `Aether test avatar (VRM ${spec})`;
  const turn = facing(spec);
  const b = new GlbBuilder();
  const meshes = [
    mesh(b, 'Face', head(), 0, turn),
    mesh(b, 'Eye', eye(), 1, turn),
    mesh(b, 'Shoulders', box([0.36, 0.16, 0.2]), 2, turn),
  ];
  // Skin with a dark mouth where the sphere's seam faces forward (u near 0 and 1, v ≈ 0.63),
  // so the mouth shapes show as the lips move.
  const skin = png(64, 32, (x, y) => {
    const u = (x + 0.5) / 64;
    const v = (y + 0.5) / 32;
    const mouth = (u < 0.045 || u > 0.955) && v > 0.6 && v < 0.67;
    return mouth ? [120, 40, 50, 255] : [236, 200, 178, 255];
  });
  const json = {
    asset: { version: '2.0', generator: 'aether scripts/vrm/make-vrm.ts' },
    scene: 0,
    scenes: [{ nodes: [bone('hips')] }],
    nodes: nodes(turn),
    meshes,
    materials: [
      material('Skin', [1, 1, 1, 1], 0),
      material('Eyes', [0.12, 0.1, 0.14, 1]),
      material('Jumper', [0.3, 0.42, 0.62, 1]),
    ],
    textures: [{ source: 0, sampler: 0 }],
    samplers: [{ magFilter: 9728, minFilter: 9728 }],
    images: [{ name: 'skin', mimeType: 'image/png', bufferView: b.view(skin) }],
    ...(spec === '1.0' ? vrm1(name) : vrm0(name)),
  };
  return b.file(json);
}

const MOUTH_TARGETS = { aa: 0, ih: 1, ou: 2, ee: 3, oh: 4 } as const;
const MOOD_TARGETS = { happy: 5, sad: 6, relaxed: 7, surprised: 8, angry: 9 } as const;

function vrm1(name: string) {
  const face = (index: number) => ({ morphTargetBinds: [{ node: FACE_NODE, index, weight: 1 }] });
  const eyes = (...which: string[]) => ({
    morphTargetBinds: which.map((e) => ({ node: bone(e), index: 0, weight: 1 })),
  });
  const preset = Object.fromEntries(
    Object.entries({ ...MOUTH_TARGETS, ...MOOD_TARGETS }).map(([k, i]) => [k, face(i)]),
  );
  const range = { inputMaxValue: 90, outputScale: 12 };
  return {
    extensionsUsed: ['VRMC_vrm'],
    extensions: {
      VRMC_vrm: {
        specVersion: '1.0',
        meta: {
          name,
          version: '1',
          authors: ['Aether tests'],
          licenseUrl: 'https://vrm.dev/licenses/1.0/',
          avatarPermission: 'onlyAuthor',
          commercialUsage: 'personalNonProfit',
          modification: 'prohibited',
        },
        humanoid: {
          humanBones: Object.fromEntries(BONES.map(([n], i) => [n, { node: i }])),
        },
        lookAt: {
          type: 'bone',
          offsetFromHeadBone: [0, 0.1, 0],
          rangeMapHorizontalInner: range,
          rangeMapHorizontalOuter: range,
          rangeMapVerticalDown: { inputMaxValue: 90, outputScale: 8 },
          rangeMapVerticalUp: { inputMaxValue: 90, outputScale: 8 },
        },
        expressions: {
          preset: {
            ...preset,
            neutral: { morphTargetBinds: [] },
            blink: eyes('leftEye', 'rightEye'),
            blinkLeft: eyes('leftEye'),
            blinkRight: eyes('rightEye'),
          },
        },
      },
    },
  };
}

function vrm0(name: string) {
  const group = (groupName: string, presetName: string, mesh: number, index: number) => ({
    name: groupName,
    presetName,
    binds: [{ mesh, index, weight: 100 }],
    materialValues: [],
  });
  const curve = { curve: [0, 0, 0, 1, 1, 1, 1, 0], xRange: 90, yRange: 10 };
  return {
    extensionsUsed: ['VRM'],
    extensions: {
      VRM: {
        exporterVersion: 'aether-test',
        specVersion: '0.0',
        meta: { title: name, version: '1', author: 'Aether tests', licenseName: 'Other' },
        humanoid: {
          humanBones: BONES.map(([n], i) => ({ bone: n, node: i, useDefaultValues: true })),
        },
        firstPerson: {
          firstPersonBone: bone('head'),
          firstPersonBoneOffset: { x: 0, y: 0.1, z: 0 },
          meshAnnotations: [],
          lookAtTypeName: 'Bone',
          lookAtHorizontalInner: curve,
          lookAtHorizontalOuter: curve,
          lookAtVerticalDown: curve,
          lookAtVerticalUp: curve,
        },
        blendShapeMaster: {
          blendShapeGroups: [
            group('A', 'a', 0, MOUTH_TARGETS.aa),
            group('I', 'i', 0, MOUTH_TARGETS.ih),
            group('U', 'u', 0, MOUTH_TARGETS.ou),
            group('E', 'e', 0, MOUTH_TARGETS.ee),
            group('O', 'o', 0, MOUTH_TARGETS.oh),
            group('Joy', 'joy', 0, MOOD_TARGETS.happy),
            group('Sorrow', 'sorrow', 0, MOOD_TARGETS.sad),
            group('Fun', 'fun', 0, MOOD_TARGETS.relaxed),
            group('Angry', 'angry', 0, MOOD_TARGETS.angry),
            group('Blink', 'blink', 1, 0),
          ],
        },
        secondaryAnimation: { boneGroups: [], colliderGroups: [] },
        materialProperties: [],
      },
    },
  };
}
