// VS Code settings (`talknotes.*`) → the server's settings object, sent as
// `initializationOptions` and as `settings.talknotes` in
// `workspace/didChangeConfiguration` (see ARCHITECTURE.md, "Settings").
//
// No `vscode` import here: this module is unit-tested under plain node.

import * as path from "node:path";

/** The server's diagnostic codes (ARCHITECTURE.md, "Contracts"). */
export const RULE_CODES = [
  "missing-speaker",
  "broken-link",
  "schedule-link",
  "pep-format",
  "unknown-pep",
  "pep-mismatch",
  "malformed-issue",
  "speaker-typo",
  "duplicate-talk",
  "empty-notes",
  "talk-title",
  "library-typo",
  "missing-conference",
] as const;
export type RuleCode = (typeof RULE_CODES)[number];

export const SEVERITIES = ["error", "warning", "info", "hint", "off"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Exactly the keys the server reads (camelCase spelling). */
export interface ServerSettings {
  rules: Partial<Record<RuleCode, Severity>>;
  pepIndex?: string;
  catalogs: string[];
  offline: boolean;
  ignore: string[];
  inlayHints: { pepTitles: boolean };
}

/** The part of `vscode.WorkspaceConfiguration` this module uses. */
export interface SettingsSource {
  get<T>(key: string): T | undefined;
}

export interface PathContext {
  /** First workspace folder (file system path), if any. */
  workspaceFolder?: string;
  /** The user's home directory, for `~`. */
  home?: string;
  /** `path.win32` on Windows; defaults to the running platform's. */
  pathApi?: path.PlatformPath;
}

export interface ConversionResult {
  settings: ServerSettings;
  /** Settings that were ignored, one human-readable line each. */
  problems: string[];
}

export const DEFAULTS = {
  offline: false,
  pepTitles: true,
} as const;

const isRuleCode = (key: string): key is RuleCode =>
  (RULE_CODES as readonly string[]).includes(key);
const isSeverity = (value: unknown): value is Severity =>
  typeof value === "string" && (SEVERITIES as readonly string[]).includes(value);

/**
 * Expands `~`, `${userHome}` and `${workspaceFolder}`, and makes a relative
 * path absolute against the workspace folder, so the server never has to
 * guess what a relative path in the editor's settings was relative to.
 */
export function expandPath(raw: string, ctx: PathContext): string {
  const p = ctx.pathApi ?? path;
  let value = raw.trim();
  if (ctx.home !== undefined) {
    value = value.replace(/\$\{userHome\}/g, ctx.home);
    if (value === "~") {
      value = ctx.home;
    } else if (value.startsWith("~/") || value.startsWith("~\\")) {
      value = p.join(ctx.home, value.slice(2));
    }
  }
  if (ctx.workspaceFolder !== undefined) {
    value = value.replace(/\$\{workspaceFolder\}/g, ctx.workspaceFolder);
    if (value !== "" && !p.isAbsolute(value)) {
      value = p.join(ctx.workspaceFolder, value);
    }
  }
  return value;
}

function stringList(
  value: unknown,
  key: string,
  problems: string[],
  map: (item: string) => string = (item) => item,
): string[] {
  if (value === undefined || value === null) {
    return [];
  }
  if (!Array.isArray(value)) {
    problems.push(`talknotes.${key}: expected a list of strings, ignored`);
    return [];
  }
  const out: string[] = [];
  for (const item of value) {
    if (typeof item === "string" && item.trim() !== "") {
      out.push(map(item));
    } else {
      problems.push(`talknotes.${key}: ignored entry ${JSON.stringify(item)}`);
    }
  }
  return out;
}

function bool(value: unknown, fallback: boolean, key: string, problems: string[]): boolean {
  if (value === undefined || value === null) {
    return fallback;
  }
  if (typeof value !== "boolean") {
    problems.push(`talknotes.${key}: expected true or false, using ${fallback}`);
    return fallback;
  }
  return value;
}

/** Reads the `talknotes` configuration section into the server's settings. */
export function toServerSettings(source: SettingsSource, ctx: PathContext = {}): ConversionResult {
  const problems: string[] = [];

  const rules: Partial<Record<RuleCode, Severity>> = {};
  const rawRules = source.get<unknown>("rules");
  if (rawRules !== undefined && rawRules !== null) {
    if (typeof rawRules !== "object" || Array.isArray(rawRules)) {
      problems.push("talknotes.rules: expected an object of rule → severity, ignored");
    } else {
      for (const [code, severity] of Object.entries(rawRules as Record<string, unknown>)) {
        if (!isRuleCode(code)) {
          problems.push(`talknotes.rules: unknown rule "${code}", ignored`);
        } else if (!isSeverity(severity)) {
          problems.push(
            `talknotes.rules.${code}: "${String(severity)}" is not one of ${SEVERITIES.join(", ")}, ignored`,
          );
        } else {
          rules[code] = severity;
        }
      }
    }
  }

  const settings: ServerSettings = {
    rules,
    catalogs: stringList(source.get<unknown>("catalogs"), "catalogs", problems, (item) =>
      expandPath(item, ctx),
    ),
    offline: bool(source.get<unknown>("offline"), DEFAULTS.offline, "offline", problems),
    // Globs are matched by the server against workspace-relative paths: not expanded.
    ignore: stringList(source.get<unknown>("ignore"), "ignore", problems),
    inlayHints: {
      pepTitles: bool(
        source.get<unknown>("inlayHints.pepTitles"),
        DEFAULTS.pepTitles,
        "inlayHints.pepTitles",
        problems,
      ),
    },
  };

  const pepIndex = source.get<unknown>("pepIndex");
  if (typeof pepIndex === "string") {
    if (pepIndex.trim() !== "") {
      settings.pepIndex = expandPath(pepIndex, ctx);
    }
  } else if (pepIndex !== undefined && pepIndex !== null) {
    problems.push("talknotes.pepIndex: expected a path, ignored");
  }

  return { settings, problems };
}

/** Adapts a plain object (e.g. parsed settings.json) to a `SettingsSource`. */
export function sourceFromObject(object: Record<string, unknown>): SettingsSource {
  return {
    get<T>(key: string): T | undefined {
      if (key in object) {
        return object[key] as T | undefined;
      }
      let value: unknown = object;
      for (const part of key.split(".")) {
        if (value === null || typeof value !== "object") {
          return undefined;
        }
        value = (value as Record<string, unknown>)[part];
      }
      return value as T | undefined;
    },
  };
}
