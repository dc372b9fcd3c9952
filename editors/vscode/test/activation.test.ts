// Loads the built bundle (dist/extension.js) under a stand-in for the `vscode`
// module and activates it with a server path that does not exist: the
// commands must be registered, the user told how to install the server, and
// the status bar must show the failure. (A real VS Code cannot be downloaded
// here; `@vscode/test-electron` would need one.)
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import Module from "node:module";
import * as path from "node:path";
import { before, describe, it } from "node:test";

const bundle = path.resolve(__dirname, "..", "..", "dist", "extension.js");

interface Recorded {
  errors: string[][];
  commands: Map<string, (...args: unknown[]) => unknown>;
  output: string[];
  statusItem: { text?: string; tooltip?: string; command?: string; shown: boolean };
}

/** Any property, any call: for the parts of the API this test does not look at. */
function anything(): unknown {
  // A `function`, not an arrow: vscode-languageclient subclasses API classes at load.
  const fn = function () {
    return anything();
  };
  return new Proxy(fn, {
    get: (_target, prop) => (prop === "then" ? undefined : anything()),
  });
}

function fakeVscode(settings: Record<string, unknown>, folder: string, rec: Recorded): unknown {
  const disposable = { dispose() {} };
  const api: Record<string, unknown> = {
    StatusBarAlignment: { Left: 1, Right: 2 },
    ThemeColor: class {
      constructor(readonly id: string) {}
    },
    window: {
      createOutputChannel: () => ({
        appendLine: (line: string) => rec.output.push(line),
        show() {},
        dispose() {},
      }),
      createStatusBarItem: () =>
        Object.assign(rec.statusItem, {
          show: () => {
            rec.statusItem.shown = true;
          },
          dispose() {},
        }),
      showErrorMessage: (...args: string[]) => {
        rec.errors.push(args);
        return Promise.resolve(undefined);
      },
      showWarningMessage: (...args: string[]) => {
        rec.output.push(`warning: ${args.join(" ")}`);
        return Promise.resolve(undefined);
      },
    },
    commands: {
      registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
        rec.commands.set(id, fn);
        return disposable;
      },
      executeCommand: () => Promise.resolve(undefined),
    },
    workspace: {
      workspaceFolders: [{ uri: { scheme: "file", fsPath: folder } }],
      getConfiguration: () => ({ get: (key: string) => settings[key] }),
      onDidChangeConfiguration: () => disposable,
    },
    env: { clipboard: { writeText: () => Promise.resolve() } },
  };
  return new Proxy(api, { get: (target, prop: string) => (prop in target ? target[prop] : anything()) });
}

type Loader = (request: string, ...rest: unknown[]) => unknown;

function loadBundle(vscode: unknown): { activate(ctx: unknown): Promise<void>; deactivate(): Promise<void> } {
  const mod = Module as unknown as { _load: Loader };
  const original = mod._load;
  mod._load = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === "vscode" ? vscode : original.call(this, request, ...rest);
  };
  try {
    delete require.cache[bundle];
    // The bundle must be loaded at run time, under the stand-in `vscode`.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(bundle) as ReturnType<typeof loadBundle>;
  } finally {
    mod._load = original;
  }
}

describe("activation (built bundle, stand-in vscode)", () => {
  before(() => {
    assert.ok(existsSync(bundle), `${bundle} is missing: run \`node esbuild.mjs\` first`);
  });

  it("reports a missing server with the install command", async () => {
    const rec: Recorded = { errors: [], commands: new Map(), output: [], statusItem: { shown: false } };
    const folder = path.join(path.sep, "notes");
    const ext = loadBundle(fakeVscode({ "server.path": "bin/no-such-talknotes-ls" }, folder, rec));
    await ext.activate({ subscriptions: [] });

    assert.deepEqual(
      [...rec.commands.keys()].sort(),
      ["talknotes.openReport", "talknotes.restartServer", "talknotes.showOutput"],
    );
    assert.equal(rec.errors.length, 1);
    const [message, ...buttons] = rec.errors[0];
    assert.match(message, /"bin\/no-such-talknotes-ls" \(talknotes.server.path\) was not found/);
    assert.ok(message.includes("cargo install talknotes-ls"), message);
    assert.ok(message.includes("cargo install --path server"), message);
    assert.deepEqual(buttons, ["Open Settings", "Copy Install Command"]);
    assert.ok(
      rec.output.some((line) => line.includes(path.join(folder, "bin", "no-such-talknotes-ls"))),
      "the output channel names the path it tried",
    );
    assert.equal(rec.statusItem.text, "$(error) talknotes");
    assert.equal(rec.statusItem.command, "talknotes.restartServer");
    assert.ok(rec.statusItem.shown);

    // The report needs a running server: it says so instead of failing.
    await rec.commands.get("talknotes.openReport")?.();
    assert.ok(
      rec.output.some((line) => line.includes("warning: talknotes: the server is not running.")),
      rec.output.join("\n"),
    );

    // The restart command tries again (and fails the same way) without throwing.
    await rec.commands.get("talknotes.restartServer")?.();
    assert.equal(rec.errors.length, 2);
    await ext.deactivate();
  });
});
