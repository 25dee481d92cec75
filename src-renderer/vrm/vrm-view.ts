// Draws a VRM avatar (0.x or 1.0, through @pixiv/three-vrm) on a canvas and poses it from
// behaviour frames. Loaded on demand: the workspace does not carry three.js until a 3D avatar
// is picked. Each frame is posed and drawn at once; how long that takes is kept for the bench.
import {
  AmbientLight,
  Clock,
  DirectionalLight,
  PerspectiveCamera,
  Scene,
  Vector3,
  WebGLRenderer,
} from 'three';
import { GLTFLoader } from 'three/examples/jsm/loaders/GLTFLoader.js';
import { VRMLoaderPlugin, VRMUtils, type VRM } from '@pixiv/three-vrm';
import type { BehaviorFrame } from '../../engines/bus/index.ts';
import { vrmPose } from './vrm-pose.ts';

async function parse(bytes: ArrayBuffer): Promise<VRM> {
  const loader = new GLTFLoader();
  loader.register((parser) => new VRMLoaderPlugin(parser));
  const gltf = await loader.parseAsync(bytes, '');
  const vrm = (gltf.userData as { vrm?: VRM }).vrm;
  if (!vrm) throw new Error('the file has no VRM avatar in it');
  VRMUtils.removeUnnecessaryVertices(gltf.scene);
  if (vrm.meta.metaVersion === '0') VRMUtils.rotateVRM0(vrm);
  // Frames decide where the eyes look; three-vrm must not aim them on its own.
  if (vrm.lookAt) vrm.lookAt.autoUpdate = false;
  return vrm;
}

/** How many frames' times are kept. */
const KEPT = 600;

export class VrmView {
  private readonly renderer: WebGLRenderer;
  private readonly scene = new Scene();
  private readonly camera = new PerspectiveCamera(28, 1, 0.01, 20);
  private readonly clock = new Clock();
  private readonly names: Set<string>;
  private readonly times: number[] = [];
  private readonly drawTimes: number[] = [];
  private drawn = 0;

  private readonly vrm: VRM;

  private constructor(canvas: HTMLCanvasElement, vrm: VRM) {
    this.vrm = vrm;
    this.renderer = new WebGLRenderer({ canvas, antialias: true, alpha: true });
    this.renderer.setPixelRatio(Math.min(devicePixelRatio, 2));
    this.names = new Set(vrm.expressionManager?.expressions.map((e) => e.expressionName) ?? []);
    const key = new DirectionalLight(0xffffff, 2.2);
    key.position.set(0.4, 1.2, 1.5);
    this.scene.add(key, new AmbientLight(0xffffff, 0.9), vrm.scene);
    this.frameHead();
  }

  /** Parses `bytes` and makes the view; rejects with what three-vrm could not read. */
  static async create(canvas: HTMLCanvasElement, bytes: ArrayBuffer): Promise<VrmView> {
    return new VrmView(canvas, await parse(bytes));
  }

  /** The expressions the avatar has (aa, blink, happy, …). */
  expressions(): string[] {
    return [...this.names];
  }

  /** The camera looks at the head, whatever the avatar's height. */
  private frameHead(): void {
    this.vrm.scene.updateMatrixWorld(true);
    const head = this.vrm.humanoid.getNormalizedBoneNode('head');
    const at = head ? head.getWorldPosition(new Vector3()) : new Vector3(0, 1.4, 0);
    // The head bone sits at the base of the skull; the face is a hand higher.
    this.camera.position.set(at.x, at.y + 0.08, at.z + 0.85);
    this.camera.lookAt(at.x, at.y + 0.06, at.z);
  }

  resize(width: number, height: number): void {
    this.renderer.setSize(width, height, false);
    this.camera.aspect = width / Math.max(1, height);
    this.camera.updateProjectionMatrix();
  }

  /** Poses the avatar for `frame` and draws it. */
  show(frame: BehaviorFrame): void {
    const started = performance.now();
    const pose = vrmPose(frame, this.names, this.vrm.meta.metaVersion === '0');
    for (const [name, weight] of Object.entries(pose.expressions))
      this.vrm.expressionManager?.setValue(name, weight);
    const bone = (name: 'neck' | 'head' | 'chest') => this.vrm.humanoid.getNormalizedBoneNode(name);
    bone('neck')?.rotation.set(pose.neck.x, pose.neck.y, pose.neck.z);
    bone('head')?.rotation.set(pose.head.x, pose.head.y, pose.head.z);
    bone('chest')?.rotation.set(pose.chest, 0, 0);
    if (this.vrm.lookAt) {
      this.vrm.lookAt.yaw = pose.look.yaw;
      this.vrm.lookAt.pitch = pose.look.pitch;
    }
    this.vrm.update(this.clock.getDelta());
    const drawing = performance.now();
    this.renderer.render(this.scene, this.camera);
    const done = performance.now();
    this.drawn += 1;
    this.times[this.drawn % KEPT] = done - started;
    this.drawTimes[this.drawn % KEPT] = done - drawing;
  }

  /** Frames drawn so far. */
  frames(): number {
    return this.drawn;
  }

  /**
   * Milliseconds to pose and draw a frame, and of that three.js's draw alone (the bare
   * dependency's share), over the last 600 frames.
   */
  timing(): { p50: number; p99: number; drawP50: number } {
    const at = (list: number[], q: number) => {
      const sorted = [...list].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    };
    return {
      p50: at(this.times, 0.5),
      p99: at(this.times, 0.99),
      drawP50: at(this.drawTimes, 0.5),
    };
  }

  dispose(): void {
    VRMUtils.deepDispose(this.vrm.scene);
    this.renderer.dispose();
  }
}
