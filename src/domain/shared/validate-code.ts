// Codes and ids become Azure Table keys later, and Azure refuses / \ # ? and control characters
// in keys (Azurite accepts some of them, so the failure would only show in production). Importers
// check here, before anything is stored, so a bad file is refused with a line number instead.
const FORBIDDEN_KEY_CHARACTER = /[/\\#?\u0000-\u001f\u007f-\u009f]/;
const MAX_KEY_LENGTH = 512;

/** Says why `value` could not be a storage key ("contains \"/\"…"), or undefined when it could. */
export function findKeyProblem(value: string): string | undefined {
  if (value === '') return 'is empty';
  const bad = FORBIDDEN_KEY_CHARACTER.exec(value);
  if (bad) {
    const shown = bad[0] < ' ' || bad[0] >= '\u007f' ? 'a control character' : `"${bad[0]}"`;
    return `contains ${shown}, which storage keys cannot hold (no / \\ # ? or control characters)`;
  }
  if (value.length > MAX_KEY_LENGTH) return `is longer than ${MAX_KEY_LENGTH} characters`;
  return undefined;
}
