/** crxjs: `import file from "./x.iife.ts?iife"` builds x as a standalone script and gives its path. */
declare module "*?iife" {
  const file: string;
  export default file;
}
