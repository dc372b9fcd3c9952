// Bundles the extension (dist/extension.js) or, with --tests, the unit tests
// (out/test/*.test.js, run by `node --test out/test/`).
import * as esbuild from "esbuild";
import { readdirSync } from "node:fs";

const args = new Set(process.argv.slice(2));
const production = args.has("--production");
const tests = args.has("--tests");

const common = {
  bundle: true,
  platform: "node",
  target: "node18",
  format: "cjs",
  logLevel: "info",
};

const options = tests
  ? {
      ...common,
      entryPoints: readdirSync("test")
        .filter((name) => name.endsWith(".test.ts"))
        .map((name) => `test/${name}`),
      outdir: "out/test",
      sourcemap: "inline",
      // The pure modules must not need `vscode`: a test that pulls it in fails to bundle.
      external: [],
    }
  : {
      ...common,
      entryPoints: ["src/extension.ts"],
      outfile: "dist/extension.js",
      external: ["vscode"],
      minify: production,
      sourcemap: !production,
    };

if (args.has("--watch")) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
}
