// Checks package.json against the server contract (ARCHITECTURE.md) and
// against what `vsce package` and the Marketplace expect.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { RULE_CODES, SEVERITIES } from "../src/settings";
import { COMMANDS } from "../src/status";

// The bundle runs from out/test/; the sources sit in test/: both are two levels down.
const root = path.resolve(__dirname, "..", "..");
const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
  engines: { vscode: string };
  activationEvents: string[];
  main: string;
  icon: string;
  repository: { url: string };
  license: string;
  devDependencies: Record<string, string>;
  contributes: {
    configuration: { properties: Record<string, Record<string, unknown>> };
    commands: { command: string; title: string; category: string }[];
  };
};
const props = manifest.contributes.configuration.properties;

describe("package.json", () => {
  it("declares every setting the server reads, each with a description and a default", () => {
    for (const key of [
      "talknotes.rules",
      "talknotes.pepIndex",
      "talknotes.catalogs",
      "talknotes.offline",
      "talknotes.ignore",
      "talknotes.inlayHints.pepTitles",
      "talknotes.server.path",
      "talknotes.trace.server",
    ]) {
      const prop = props[key];
      assert.ok(prop, `${key} is declared`);
      assert.ok(typeof (prop.markdownDescription ?? prop.description) === "string", `${key} has a description`);
      assert.ok("default" in prop, `${key} has a default`);
    }
  });

  it("lists exactly the server's rule codes, each with the severities as enum", () => {
    const rules = props["talknotes.rules"] as {
      properties: Record<string, { enum: string[]; markdownDescription?: string; description?: string }>;
      additionalProperties: boolean;
    };
    assert.deepEqual(Object.keys(rules.properties).sort(), [...RULE_CODES].sort());
    assert.equal(rules.additionalProperties, false);
    for (const [code, rule] of Object.entries(rules.properties)) {
      assert.deepEqual(rule.enum, [...SEVERITIES], code);
      assert.ok(rule.markdownDescription ?? rule.description, `${code} has a description`);
    }
  });

  it("offers off/messages/verbose tracing", () => {
    assert.deepEqual(props["talknotes.trace.server"].enum, ["off", "messages", "verbose"]);
    assert.equal(props["talknotes.trace.server"].default, "off");
  });

  it("contributes the commands the extension registers", () => {
    const commands = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(commands, Object.values(COMMANDS).sort());
    const restart = manifest.contributes.commands.find((c) => c.command === COMMANDS.restart);
    assert.equal(`${restart?.category}: ${restart?.title}`, "talknotes: Restart server");
  });

  it("activates on markdown, never on *", () => {
    assert.ok(manifest.activationEvents.includes("onLanguage:markdown"));
    assert.ok(!manifest.activationEvents.includes("*"));
  });

  it("has what vsce needs to package offline", () => {
    assert.ok(manifest.repository.url.length > 0);
    assert.ok(manifest.license);
    assert.ok(existsSync(path.join(root, "LICENSE")), "LICENSE");
    assert.ok(existsSync(path.join(root, manifest.icon)), manifest.icon);
    assert.equal(manifest.main, "./dist/extension.js");
  });

  it("does not type against a newer VS Code API than it claims to run on", () => {
    const engine = manifest.engines.vscode.replace(/^\^/, "");
    const types = manifest.devDependencies["@types/vscode"].replace(/^[\^~]/, "");
    const [emaj, emin] = engine.split(".").map(Number);
    const [tmaj, tmin] = types.split(".").map(Number);
    assert.ok(tmaj < emaj || (tmaj === emaj && tmin <= emin), `@types/vscode ${types} > engines ${engine}`);
  });
});

describe("pure modules", () => {
  it("do not import vscode, so they run under plain node", () => {
    for (const file of ["settings.ts", "serverPath.ts", "status.ts"]) {
      const text = readFileSync(path.join(root, "src", file), "utf8");
      assert.doesNotMatch(text, /from\s+["']vscode["']|require\(["']vscode["']\)/, file);
    }
  });
});
