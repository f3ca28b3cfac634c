// Owns node-kind search for the quick-add popup: every typed word must start a word of the kind's name, category, id or
// description (or appear inside its name); name matches rank above category matches, which rank above the rest.
import type { KindInfo } from "../../ipc";

const wordsOf = (s: string) => s.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);

export function searchKinds(kinds: KindInfo[], query: string): KindInfo[] {
  const words = wordsOf(query);
  if (words.length === 0) return kinds;
  const q = query.trim().toLowerCase();
  const scored: [number, number, KindInfo][] = [];
  kinds.forEach((k, i) => {
    const label = k.label.toLowerCase();
    const labelWords = wordsOf(k.label);
    const categoryWords = wordsOf(k.category);
    const otherWords = [...wordsOf(k.kind), ...wordsOf(k.description)];
    const starts = (list: string[], w: string) => list.some((x) => x.startsWith(w));
    const found = words.every(
      (w) => starts(labelWords, w) || starts(categoryWords, w) || starts(otherWords, w) || label.includes(w),
    );
    if (!found) return;
    const score = label.startsWith(q)
      ? 0
      : words.every((w) => starts(labelWords, w))
        ? 1
        : words.every((w) => starts(categoryWords, w) || starts(labelWords, w))
          ? 2
          : label.includes(q)
            ? 3
            : 4;
    scored.push([score, i, k]);
  });
  return scored.sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((x) => x[2]);
}
