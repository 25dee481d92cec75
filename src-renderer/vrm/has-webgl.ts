// Whether this page can draw WebGL 2 (what three.js needs), asked before three.js is loaded.
export function hasWebGL(): boolean {
  try {
    return document.createElement('canvas').getContext('webgl2') !== null;
  } catch {
    return false;
  }
}
