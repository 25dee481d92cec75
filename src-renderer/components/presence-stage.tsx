// The stage: the avatar large enough to read its expression, above the conversation; the user
// can resize it (drag its lower edge) or collapse it, and then a compact face stays in the
// header. Until the first frame comes, it says what it is waiting for.
import type { BehaviorFrame } from '../../engines/bus/index.ts';
import { useStores } from '../context.tsx';
import { Avatar } from './avatar.tsx';
import { AvatarPicker } from './avatar-picker.tsx';
import { VrmAvatar } from './vrm-avatar.tsx';

function useLook() {
  const { useInspector } = useStores();
  const look = useInspector((s) => s.persona?.presence);
  const name = useInspector((s) => s.persona?.displayName ?? 'Aether');
  return { look, name };
}

/** The 3D avatar when one is set and can be drawn here, else the 2D face. */
function Face({ frame }: { frame: BehaviorFrame }) {
  const { useAvatar } = useStores();
  const avatar = useAvatar((s) => s.avatar);
  const bytes = useAvatar((s) => s.bytes);
  const unusable = useAvatar((s) => s.unusable);
  const cannotDraw = useAvatar((s) => s.cannotDraw);
  const { look, name } = useLook();
  if (avatar && bytes && unusable !== avatar.sha256)
    return <VrmAvatar bytes={bytes} info={avatar} name={name} onFail={cannotDraw} />;
  return <Avatar frame={frame} look={look} name={name} />;
}

export function PresenceStage() {
  const { usePresence } = useStores();
  const frame = usePresence((s) => s.frame);
  const collapsed = usePresence((s) => s.collapsed);
  const stale = usePresence((s) => s.stale);
  const { name } = useLook();
  if (collapsed) return null;
  return (
    <section className="presence-stage" data-testid="presence-stage" aria-label={`${name}'s face`}>
      {frame ? (
        <Face frame={frame} />
      ) : (
        <p className="stage-waiting" role="status">
          Waiting for {name}&apos;s face from Aether…
        </p>
      )}
      {stale && (
        <p className="stage-waiting" role="status" data-testid="presence-stale">
          {frame ? `${name}'s face is not moving: ` : ''}no frames from Aether for a while — the
          connection may be down; it comes back on its own when Aether is reachable.
        </p>
      )}
      <AvatarPicker />
      <p className="sr-only" aria-live="polite">
        {frame ? `${name} is ${frame.caption}` : ''}
      </p>
    </section>
  );
}

/** The header's part: the compact face when the stage is collapsed, and the toggle. */
export function StageToggle() {
  const { usePresence } = useStores();
  const frame = usePresence((s) => s.frame);
  const collapsed = usePresence((s) => s.collapsed);
  const setCollapsed = usePresence((s) => s.setCollapsed);
  const still = usePresence((s) => s.still);
  const setStill = usePresence((s) => s.setStill);
  const { look, name } = useLook();
  return (
    <>
      {collapsed && frame && <Avatar frame={frame} look={look} name={name} size="compact" />}
      <button
        className="link"
        data-testid="presence-still"
        aria-pressed={still}
        title="Keep the face's head still (blinks and talking stay), like the OS's reduced motion"
        onClick={() => setStill(!still)}
      >
        {still ? 'Let it move' : 'Less motion'}
      </button>
      <button
        className="link"
        data-testid="presence-collapse"
        aria-pressed={collapsed}
        onClick={() => setCollapsed(!collapsed)}
      >
        {collapsed ? 'Show face' : 'Hide face'}
      </button>
    </>
  );
}
