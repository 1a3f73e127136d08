/** Types of scripts/release.js (plain Node, so that `npm run release` needs no build step). */
export interface ReleaseEdit {
  file: string;
  before: string;
  after: string;
  change: string;
}
export declare function parseVersion(text: string): [number, number, number];
export declare function compareVersions(a: string, b: string): -1 | 0 | 1;
export declare function nextVersion(current: string, spec: string): string;
export declare function changelogVersion(text: string): string | undefined;
export declare function readVersions(root: string): Record<string, string>;
export declare function planRelease(root: string, from: string, to: string): ReleaseEdit[];
export declare function release(
  root: string,
  spec: string,
  options?: { dryRun?: boolean },
): { from: string; to: string; edits: ReleaseEdit[] };
