// The 3D avatar on the stage: three.js and three-vrm load when it first shows. Frames are taken
// straight from the presence store (not through React renders) and each is drawn at once; the
// element carries the same data-viseme / data-expression as the 2D face, and the draw times.
import { useEffect, useRef, useState } from 'react';
import type { AvatarInfo, BehaviorFrame } from '../../engines/bus/index.ts';
import { useStores } from '../context.tsx';
import { hasWebGL } from '../vrm/has-webgl.ts';
import type { VrmView } from '../vrm/vrm-view.ts';
import { dominant } from './avatar.tsx';

function mark(el: HTMLElement, frame: BehaviorFrame, view: VrmView): void {
  el.dataset.viseme = frame.mouth.viseme;
  el.dataset.expression = dominant(frame.expression);
  el.dataset.layer = frame.layer;
  el.setAttribute('aria-label', `${el.dataset.name}: ${frame.caption}`);
  if (view.frames() % 30 !== 0) return;
  const t = view.timing();
  el.dataset.drawn = String(view.frames());
  el.dataset.drawP50 = t.p50.toFixed(3);
  el.dataset.drawP99 = t.p99.toFixed(3);
  el.dataset.threeP50 = t.drawP50.toFixed(3);
}

type Props = {
  bytes: ArrayBuffer;
  info: AvatarInfo;
  name: string;
  onFail(why: string): void;
};

/** Makes the view and follows the frames; returns the teardown. */
async function start(canvas: HTMLCanvasElement, box: HTMLElement, props: Props, store: Frames) {
  const { VrmView } = await import('../vrm/vrm-view.ts');
  const view = await VrmView.create(canvas, props.bytes);
  const size = () => {
    const r = box.getBoundingClientRect();
    view.resize(Math.max(1, r.width), Math.max(1, r.height));
  };
  size();
  const resized = new ResizeObserver(size);
  resized.observe(box);
  const show = (frame: BehaviorFrame) => {
    view.show(frame);
    mark(box, frame, view);
  };
  const first = store.getState().frame;
  if (first) show(first);
  const unsubscribe = store.subscribe((s, prev) => {
    if (s.frame && s.frame !== prev.frame) show(s.frame);
  });
  return () => {
    unsubscribe();
    resized.disconnect();
    view.dispose();
  };
}

type Frames = ReturnType<typeof useStores>['usePresence'];

export function VrmAvatar(props: Props) {
  const { usePresence } = useStores();
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [shown, setShown] = useState(false);
  const { bytes, info, name, onFail } = props;
  useEffect(() => {
    let stop: (() => void) | null = null;
    let gone = false;
    if (!hasWebGL()) {
      onFail(
        `This window cannot draw 3D (WebGL is not available here), so ${name}'s 2D face is shown instead of ${info.name}.`,
      );
      return;
    }
    start(canvas.current!, box.current!, props, usePresence).then(
      (teardown) => {
        if (gone) return teardown();
        stop = teardown;
        setShown(true);
      },
      (error: Error) =>
        onFail(
          `Aether could not draw ${info.name}: ${error.message}. The 2D face is shown instead.`,
        ),
    );
    return () => {
      gone = true;
      stop?.();
    };
    // One view per file: the other props are read when it starts.
  }, [bytes]);
  return (
    <div
      className="avatar avatar-vrm"
      ref={box}
      role="img"
      aria-label={`${name}: ${info.name}`}
      data-testid="avatar"
      data-kind="vrm"
      data-name={name}
      data-state={shown ? 'shown' : 'loading'}
    >
      <canvas ref={canvas} data-testid="avatar-vrm" />
    </div>
  );
}
