// What a .vrm file is, checked before anything is stored or drawn: a glTF 2.0 binary whose JSON
// carries VRM 1.0 (VRMC_vrm) or VRM 0.x (VRM) with the humanoid bones VRM requires. Anything
// else is refused with what is wrong with it, in words the user can act on.
import { AetherError, MAX_AVATAR_BYTES } from '../../bus/index.ts';

const REQUIRED_BONES = [
  'hips',
  'spine',
  'head',
  'leftUpperArm',
  'leftLowerArm',
  'leftHand',
  'rightUpperArm',
  'rightLowerArm',
  'rightHand',
  'leftUpperLeg',
  'leftLowerLeg',
  'leftFoot',
  'rightUpperLeg',
  'rightLowerLeg',
  'rightFoot',
];

/** VRM 0.x preset names, as three-vrm maps them to 1.0's. */
const V0_PRESETS: Record<string, string> = {
  a: 'aa',
  i: 'ih',
  u: 'ou',
  e: 'ee',
  o: 'oh',
  blink: 'blink',
  blink_l: 'blinkLeft',
  blink_r: 'blinkRight',
  joy: 'happy',
  angry: 'angry',
  sorrow: 'sad',
  fun: 'relaxed',
  neutral: 'neutral',
  lookup: 'lookUp',
  lookdown: 'lookDown',
  lookleft: 'lookLeft',
  lookright: 'lookRight',
};

export type VrmSummary = {
  spec: '0.x' | '1.0';
  name: string;
  expressions: string[];
  warnings: string[];
};

const refuse = (why: string) => new AetherError('BadRequest', `This is not a VRM avatar: ${why}.`);

export const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Refuses a file over the limit, before a byte of it is read. */
export function checkSize(sizeBytes: number): void {
  if (sizeBytes > MAX_AVATAR_BYTES)
    throw new AetherError(
      'BadRequest',
      `The file is ${megabytes(sizeBytes)}; an avatar may be at most ${megabytes(MAX_AVATAR_BYTES)}.`,
    );
}

/** The JSON chunk of a glTF binary, its container checked. */
function glbJson(bytes: Buffer): Record<string, unknown> {
  if (bytes.length < 20 || bytes.toString('latin1', 0, 4) !== 'glTF')
    throw refuse('it is not a glTF binary (a .vrm file starts with "glTF")');
  const version = bytes.readUInt32LE(4);
  if (version !== 2) throw refuse(`it is glTF version ${version}; VRM needs glTF 2`);
  if (bytes.readUInt32LE(8) !== bytes.length)
    throw refuse('the file is cut short or has bytes after its end (its length field disagrees)');
  const jsonLength = bytes.readUInt32LE(12);
  if (bytes.readUInt32LE(16) !== 0x4e4f534a || 20 + jsonLength > bytes.length)
    throw refuse('its first chunk is not the glTF JSON');
  try {
    const json: unknown = JSON.parse(bytes.toString('utf8', 20, 20 + jsonLength));
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error();
    return json as Record<string, unknown>;
  } catch {
    throw refuse('its glTF JSON does not parse');
  }
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});

function bonesOf(vrm: Json, spec: VrmSummary['spec']): Map<string, unknown> {
  const humanoid = obj(vrm.humanoid);
  if (spec === '1.0') return new Map(Object.entries(obj(humanoid.humanBones)));
  const list = Array.isArray(humanoid.humanBones) ? (humanoid.humanBones as unknown[]) : [];
  return new Map(list.map((b) => [String(obj(b).bone), obj(b)]));
}

function expressionsOf(vrm: Json, spec: VrmSummary['spec']): string[] {
  if (spec === '1.0') {
    const e = obj(vrm.expressions);
    return [...Object.keys(obj(e.preset)), ...Object.keys(obj(e.custom))];
  }
  const groups = obj(vrm.blendShapeMaster).blendShapeGroups;
  return (Array.isArray(groups) ? groups : []).map((g) => {
    const preset = String(obj(g).presetName ?? '');
    return V0_PRESETS[preset] ?? String(obj(g).name ?? preset);
  });
}

/** The avatar's spec, name and expressions; throws BadRequest saying what is wrong. */
export function checkVrm(bytes: Buffer, fileName: string): VrmSummary {
  checkSize(bytes.length);
  const json = glbJson(bytes);
  const ext = obj(json.extensions);
  const spec = ext.VRMC_vrm ? '1.0' : ext.VRM ? '0.x' : null;
  if (!spec) throw refuse('it is a glTF model without VRM data (no VRMC_vrm or VRM extension)');
  const vrm = obj(ext.VRMC_vrm ?? ext.VRM);
  if (spec === '1.0' && !['1.0', '1.0-beta'].includes(String(vrm.specVersion)))
    throw refuse(`its VRM version "${String(vrm.specVersion)}" is not one Aether knows`);
  const nodeCount = Array.isArray(json.nodes) ? json.nodes.length : 0;
  const bones = bonesOf(vrm, spec);
  const missing = REQUIRED_BONES.filter((b) => {
    const node = obj(bones.get(b)).node;
    return !(typeof node === 'number' && node >= 0 && node < nodeCount);
  });
  if (missing.length) throw refuse(`its skeleton lacks the bones ${missing.join(', ')}`);
  const expressions = [...new Set(expressionsOf(vrm, spec))];
  const warnings = [
    ...(['aa', 'ih', 'ou', 'ee', 'oh'].some((v) => expressions.includes(v))
      ? []
      : ['it has no mouth shapes, so its lips will not follow the voice']),
    ...(expressions.includes('blink') ? [] : ['it has no blink']),
  ];
  const meta = obj(vrm.meta);
  const name = String(meta.name ?? meta.title ?? '').trim() || fileName.replace(/\.vrm$/i, '');
  return { spec, name: name.slice(0, 120), expressions, warnings };
}
