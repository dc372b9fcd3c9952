import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { RULE_CODES, expandPath, sourceFromObject, toServerSettings } from "../src/settings";

const ws = path.join(path.sep, "notes");
const home = path.join(path.sep, "home", "ada");

describe("toServerSettings", () => {
  it("gives the server's defaults for empty settings", () => {
    const { settings, problems } = toServerSettings(sourceFromObject({}));
    assert.deepEqual(settings, {
      rules: {},
      catalogs: [],
      offline: false,
      ignore: [],
      inlayHints: { pepTitles: true },
    });
    assert.deepEqual(problems, []);
    assert.equal("pepIndex" in settings, false, "an unset pepIndex is left out, not sent as empty");
  });

  it("passes every setting through under the server's key names", () => {
    const { settings, problems } = toServerSettings(
      sourceFromObject({
        rules: { "missing-speaker": "warning", "empty-notes": "off" },
        pepIndex: "/data/peps.json",
        catalogs: ["/data/pycon.json"],
        offline: true,
        ignore: ["drafts/**"],
        "inlayHints.pepTitles": false,
      }),
      { workspaceFolder: ws, home },
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, {
      rules: { "missing-speaker": "warning", "empty-notes": "off" },
      pepIndex: "/data/peps.json",
      catalogs: ["/data/pycon.json"],
      offline: true,
      ignore: ["drafts/**"],
      inlayHints: { pepTitles: false },
    });
  });

  it("reads nested objects the way VS Code's get('a.b') does", () => {
    const { settings } = toServerSettings(sourceFromObject({ inlayHints: { pepTitles: false } }));
    assert.equal(settings.inlayHints.pepTitles, false);
  });

  it("accepts every rule code with every severity", () => {
    for (const code of RULE_CODES) {
      for (const severity of ["error", "warning", "info", "hint", "off"]) {
        const { settings, problems } = toServerSettings(sourceFromObject({ rules: { [code]: severity } }));
        assert.deepEqual(problems, []);
        assert.deepEqual(settings.rules, { [code]: severity });
      }
    }
  });

  it("drops unknown rules and severities, and says so", () => {
    const { settings, problems } = toServerSettings(
      sourceFromObject({ rules: { "missing-speaker": "fatal", "no-such-rule": "error", "pep-format": "hint" } }),
    );
    assert.deepEqual(settings.rules, { "pep-format": "hint" });
    assert.equal(problems.length, 2);
    assert.match(problems[0], /missing-speaker.*fatal/);
    assert.match(problems[1], /unknown rule "no-such-rule"/);
  });

  it("falls back to defaults for values of the wrong type", () => {
    const { settings, problems } = toServerSettings(
      sourceFromObject({ offline: "yes", catalogs: "one.json", rules: ["x"], pepIndex: 3, ignore: ["ok", 5, ""] }),
    );
    assert.equal(settings.offline, false);
    assert.deepEqual(settings.catalogs, []);
    assert.deepEqual(settings.rules, {});
    assert.deepEqual(settings.ignore, ["ok"]);
    assert.equal(settings.pepIndex, undefined);
    assert.equal(problems.length, 6);
  });

  it("makes paths absolute, and leaves ignore globs alone", () => {
    const { settings } = toServerSettings(
      sourceFromObject({
        pepIndex: "data/peps.json",
        catalogs: ["~/catalogs/pycon.json", "${workspaceFolder}/cat.json", "${userHome}/x.json"],
        ignore: ["drafts/**"],
      }),
      { workspaceFolder: ws, home },
    );
    assert.equal(settings.pepIndex, path.join(ws, "data", "peps.json"));
    assert.deepEqual(settings.catalogs, [
      path.join(home, "catalogs", "pycon.json"),
      path.join(ws, "cat.json"),
      path.join(home, "x.json"),
    ]);
    assert.deepEqual(settings.ignore, ["drafts/**"]);
  });

  it("treats a blank pepIndex as unset", () => {
    const { settings } = toServerSettings(sourceFromObject({ pepIndex: "   " }), { workspaceFolder: ws });
    assert.equal(settings.pepIndex, undefined);
  });

  it("serialises to the JSON the server reads", () => {
    const { settings } = toServerSettings(sourceFromObject({ rules: { "broken-link": "error" } }));
    assert.equal(
      JSON.stringify(settings),
      '{"rules":{"broken-link":"error"},"catalogs":[],"offline":false,"ignore":[],"inlayHints":{"pepTitles":true}}',
    );
  });
});

describe("expandPath", () => {
  it("leaves a relative path relative without a workspace folder", () => {
    assert.equal(expandPath("peps.json", {}), "peps.json");
  });
  it("expands ~ alone", () => {
    assert.equal(expandPath("~", { home }), home);
  });
  it("uses the given path flavour", () => {
    assert.equal(
      expandPath("data\\peps.json", { workspaceFolder: "C:\\notes", pathApi: path.win32 }),
      "C:\\notes\\data\\peps.json",
    );
  });
});
