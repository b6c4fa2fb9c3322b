// Bundles src/main.js (and the CSS it imports) into the Python package's static/dist/.
// npm installs the libraries at build time; nothing built or installed is committed.
import { mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const outdir = fileURLToPath(new URL("../src/alliancemap/web/static/dist/", import.meta.url));
const watch = process.argv.includes("--watch");
const readable = watch || process.argv.includes("--dev"); // unminified, for profiling

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const options = {
  entryPoints: { app: fileURLToPath(new URL("src/main.js", import.meta.url)) },
  bundle: true,
  minify: !readable,
  sourcemap: watch ? "inline" : false,
  format: "iife",
  target: ["chrome110", "firefox115", "safari16"],
  outdir,
  legalComments: "linked", // third-party licences go to app.js.LEGAL.txt beside the bundle
  logLevel: "info",
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
