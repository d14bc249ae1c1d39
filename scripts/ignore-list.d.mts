export interface SourceMap {
  version: number;
  file?: string;
  sources: string[];
  sourcesContent?: string[];
  names: string[];
  mappings: string;
  ignoreList?: number[];
  x_google_ignoreList?: number[];
}
export function ignoreListedSourceMap(file: string): SourceMap;
export function withIgnoreListedSourceMap(code: string, file: string): string;
export function inlineSourceMap(code: string): SourceMap | null;
export function ignoresEverySource(map: SourceMap | null): boolean;
