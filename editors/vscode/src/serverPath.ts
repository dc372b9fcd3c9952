// Finding the `talknotes-ls` executable from the `talknotes.server.path`
// setting, and the message shown when it is not there.
//
// No `vscode` import here: this module is unit-tested under plain node.

import * as fs from "node:fs";
import * as path from "node:path";
import { expandPath } from "./settings";

export const DEFAULT_SERVER_COMMAND = "talknotes-ls";

export const INSTALL_COMMANDS = {
  release: "cargo install talknotes-ls",
  fromClone: "cargo install --path server",
} as const;

export interface ResolveContext {
  workspaceFolder?: string;
  home?: string;
  /** The environment's PATH (and PATHEXT on Windows). */
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  /** Whether a file exists and may be executed; injectable for tests. */
  isExecutable?: (file: string) => boolean;
}

export type Resolution =
  | { found: true; command: string }
  | { found: false; setting: string; searched: string[] };

export function defaultIsExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === "win32" ? path.win32 : path.posix;
}

/** Candidate file names for `base`: on Windows with each PATHEXT extension too. */
function withExtensions(base: string, ctx: ResolveContext): string[] {
  if (ctx.platform !== "win32" || path.win32.extname(base) !== "") {
    return [base];
  }
  const exts = (ctx.env.PATHEXT ?? ".EXE;.CMD;.BAT;.COM").split(";").filter((e) => e !== "");
  return [base, ...exts.map((ext) => base + ext.toLowerCase())];
}

/**
 * Resolves the configured server command to an executable file.
 *
 * - empty or unset: `talknotes-ls`, looked up on PATH;
 * - a bare name (no path separator): looked up on PATH, then in cargo's bin
 *   folder (`$CARGO_HOME/bin`, by default `~/.cargo/bin`);
 * - otherwise a path: `~`, `${userHome}` and `${workspaceFolder}` are expanded
 *   and a relative path is taken relative to the first workspace folder.
 */
export function resolveServerPath(setting: string | undefined, ctx: ResolveContext): Resolution {
  const p = pathApi(ctx.platform);
  const isExecutable = ctx.isExecutable ?? defaultIsExecutable;
  const configured = setting?.trim() ? setting.trim() : DEFAULT_SERVER_COMMAND;
  const searched: string[] = [];

  const isBareName = !configured.includes("/") && !(ctx.platform === "win32" && configured.includes("\\"));
  if (isBareName) {
    const dirs = (ctx.env.PATH ?? ctx.env.Path ?? "").split(p.delimiter).filter((d) => d !== "");
    // `cargo install` puts binaries in $CARGO_HOME/bin, which an editor
    // started from a desktop launcher often does not have on its PATH.
    const cargoHome = ctx.env.CARGO_HOME ?? (ctx.home !== undefined ? p.join(ctx.home, ".cargo") : undefined);
    if (cargoHome !== undefined) {
      dirs.push(p.join(cargoHome, "bin"));
    }
    for (const dir of dirs) {
      for (const candidate of withExtensions(p.join(dir, configured), ctx)) {
        searched.push(candidate);
        if (isExecutable(candidate)) {
          return { found: true, command: candidate };
        }
      }
    }
    return { found: false, setting: configured, searched };
  }

  const expanded = expandPath(configured, {
    workspaceFolder: ctx.workspaceFolder,
    home: ctx.home,
    pathApi: p,
  });
  for (const candidate of withExtensions(expanded, ctx)) {
    searched.push(candidate);
    if (isExecutable(candidate)) {
      return { found: true, command: candidate };
    }
  }
  return { found: false, setting: configured, searched };
}

/** The error shown when the server executable cannot be found. */
export function missingServerMessage(resolution: { setting: string; searched: string[] }): string {
  const where =
    resolution.setting === DEFAULT_SERVER_COMMAND
      ? `"${DEFAULT_SERVER_COMMAND}" was not found on PATH`
      : `the server "${resolution.setting}" (talknotes.server.path) was not found or is not executable`;
  return (
    `talknotes: ${where}. Install it with \`${INSTALL_COMMANDS.release}\` ` +
    `(or \`${INSTALL_COMMANDS.fromClone}\` from a clone of the repository), ` +
    `or set "talknotes.server.path" to the binary.`
  );
}
