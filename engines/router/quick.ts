// Which tier a message wants, from the message alone: short chat without a request for depth
// goes to the small model (when there is one); the rest to the main one.
const DEEP =
  /\b(explain|why|how (do|does|can|should)|compare|write|plan|analy[sz]e|summari[sz]e|code|step by step)\b/i;

export function isQuick(text: string): boolean {
  const words = text.trim().split(/\s+/).filter(Boolean).length;
  return words <= 12 && !DEEP.test(text);
}
