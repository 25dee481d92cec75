// Under the stage: pick a .vrm file for a 3D avatar (sent to Aether, checked, and used once L5
// allows it), go back to the 2D face, and what went wrong when the 3D one cannot be used.
import { useStores } from '../context.tsx';

export function AvatarPicker() {
  const { useAvatar } = useStores();
  const avatar = useAvatar((s) => s.avatar);
  const busy = useAvatar((s) => s.busy);
  const message = useAvatar((s) => s.message);
  const pick = useAvatar((s) => s.pick);
  const useFlat = useAvatar((s) => s.useFlat);
  return (
    <div className="avatar-picker">
      <label className="link">
        {avatar ? `3D: ${avatar.name} — another…` : 'Use a 3D avatar (.vrm)…'}
        <input
          type="file"
          accept=".vrm"
          className="sr-only"
          data-testid="avatar-vrm-pick"
          disabled={busy !== null}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void pick(file);
          }}
        />
      </label>
      {avatar && (
        <button className="link" data-testid="avatar-vrm-clear" onClick={() => void useFlat()}>
          Use the 2D face
        </button>
      )}
      {busy && (
        <span className="muted" role="status" data-testid="avatar-vrm-busy">
          {busy}
        </span>
      )}
      {message && (
        <span className="deny" role="alert" data-testid="avatar-vrm-message">
          {message}
        </span>
      )}
    </div>
  );
}
