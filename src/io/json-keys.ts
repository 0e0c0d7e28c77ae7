/**
 * Duplicate keys in JSON text. `JSON.parse` keeps the last of two equal keys without a word, so a
 * header that names one tensor twice would load whichever came last; a file reader must refuse
 * it instead. This scanner walks text that `JSON.parse` has already accepted, so it only tracks
 * nesting and which strings are keys; it does not re-validate the syntax.
 */

/** Dotted paths of the keys that occur twice in one object, e.g. `["lin_1.weight", "__metadata__.format"]`. */
export const duplicateKeys = (json: string): readonly string[] => {
  // One frame per open bracket: an object's keys so far and its own key path, or null for an array.
  const frames: ({ readonly keys: Set<string>; readonly path: string } | null)[] = [];
  const duplicates: string[] = [];
  let expectKey = false;
  let lastKey = '';
  const pathOf = (key: string): string => {
    const top = frames[frames.length - 1];
    return top === null || top === undefined || top.path === '' ? key : `${top.path}.${key}`;
  };
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      const top = frames[frames.length - 1];
      if (expectKey && top) {
        // Parse the token so that "a" and "\u0061" count as the same key.
        const key = JSON.parse(json.slice(i, end + 1)) as string;
        if (top.keys.has(key)) duplicates.push(pathOf(key));
        else top.keys.add(key);
        lastKey = key;
        expectKey = false;
      }
      i = end;
    } else if (c === '{') {
      const parent = frames[frames.length - 1];
      // Nested objects inside arrays keep their parent's path: good enough to point at the entry.
      const path = frames.length === 0 ? '' : parent === null || parent === undefined ? '' : pathOf(lastKey);
      frames.push({ keys: new Set(), path });
      expectKey = true;
    } else if (c === '[') {
      frames.push(null);
      expectKey = false;
    } else if (c === '}' || c === ']') {
      frames.pop();
      expectKey = false;
    } else if (c === ',') {
      expectKey = frames[frames.length - 1] !== null;
    } else if (c === ':') {
      expectKey = false;
    }
  }
  return duplicates;
};
