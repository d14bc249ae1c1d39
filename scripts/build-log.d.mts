export function sortBuildOutput(text: string): { text: string; fatal: string[] };
export function withSortedBuildOutput<T>(fn: () => Promise<T>): Promise<T>;
