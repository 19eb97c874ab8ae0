// Types for scripts/snippets.mjs, imported by test/readme-samples.test.ts.
export declare const ROOT: string
export declare const SNIPPETS_DIR: string
export interface Block {
  line: number
  start: number
  end: number
  language: string
  content: string
  snippet: string | undefined
}
export declare function documents(root?: string): string[]
export declare function blocks(text: string): Block[]
export declare function importedPackages(source: string, file?: string): string[]
export declare function installedPackages(text: string): Set<string>
export declare function check(root?: string): string[]
export declare function rewrite(root?: string): string[]
export declare function report(problems: string[]): string
export declare function snippetFiles(root?: string): string[]
