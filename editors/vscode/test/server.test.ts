// The extension's side of the server contract, against a real talknotes-ls:
// the exact settings object the extension builds is accepted at initialize
// and in didChangeConfiguration, and the server's "Indexing notes" progress is
// what the status bar expects. Runs when TALKNOTES_LS names the binary
// (.ci/editors.sh sets it when given one); skipped otherwise.
import assert from "node:assert/strict";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import {
  type Diagnostic,
  type ProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
} from "vscode-languageserver-protocol/node";
import { type ServerSettings, sourceFromObject, toServerSettings } from "../src/settings";
import { ProgressTracker, type WorkDoneValue } from "../src/status";

const binary = process.env.TALKNOTES_LS;
const root = path.resolve(__dirname, "..", "..");
// The Neovim test's fixture: two made-up conference notes and a talknotes.toml.
const workspace = path.resolve(root, "..", "neovim", "test", "workspace");
const WAIT_MS = Number(process.env.TALKNOTES_WAIT_MS ?? 10000);

function settings(object: Record<string, unknown>): ServerSettings {
  const { settings, problems } = toServerSettings(sourceFromObject(object), { workspaceFolder: workspace });
  assert.deepEqual(problems, []);
  return settings;
}

async function waitFor<T>(what: string, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("talknotes-ls contract (TALKNOTES_LS)", { skip: binary ? false : "TALKNOTES_LS is not set" }, () => {
  let child: ChildProcessWithoutNullStreams;
  let connection: ProtocolConnection;
  const published = new Map<string, Diagnostic[]>();
  const tracker = new ProgressTracker();
  const progressSeen: { token: string | number; value: WorkDoneValue }[] = [];
  let current: ServerSettings;
  const file = path.join(workspace, "pycon-2017.md");
  const uri = pathToFileURL(file).toString();
  const text = readFileSync(file, "utf8");
  const headingLine = text.split("\n").indexOf("# Some Talk Title");

  const missingSpeaker = () =>
    (published.get(uri) ?? []).find((d) => d.code === "missing-speaker" && d.range.start.line === headingLine);

  before(async () => {
    // No index cache: a test run writes nothing in the user's cache folder.
    child = spawn(binary!, ["--stdio"], {
      cwd: workspace,
      env: { ...process.env, TALKNOTES_NO_INDEX_CACHE: "1" },
    });
    child.stderr.resume(); // the server's log; not part of the protocol
    connection = createProtocolConnection(
      new StreamMessageReader(child.stdout),
      new StreamMessageWriter(child.stdin),
    );
    connection.onNotification("textDocument/publishDiagnostics", (params: { uri: string; diagnostics: Diagnostic[] }) => {
      published.set(params.uri, params.diagnostics);
    });
    connection.onRequest("window/workDoneProgress/create", () => null);
    connection.onRequest("client/registerCapability", () => null);
    connection.onRequest("workspace/configuration", (params: { items: { section?: string }[] }) =>
      params.items.map((item) => (item.section === "talknotes" ? current : null)),
    );
    connection.onNotification("$/progress", (params: { token: string | number; value: WorkDoneValue }) => {
      progressSeen.push(params);
      tracker.update(params.token, params.value);
    });
    connection.listen();

    current = settings({ rules: { "missing-speaker": "info" }, offline: true });
    const folder = pathToFileURL(workspace).toString();
    await connection.sendRequest("initialize", {
      processId: process.pid,
      rootUri: folder,
      workspaceFolders: [{ uri: folder, name: "workspace" }],
      initializationOptions: current,
      capabilities: {
        window: { workDoneProgress: true },
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
        textDocument: { publishDiagnostics: {} },
      },
    });
    await connection.sendNotification("initialized", {});
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "markdown", version: 1, text },
    });
  });

  after(async () => {
    try {
      await Promise.race([connection.sendRequest("shutdown"), new Promise((r) => setTimeout(r, 2000))]);
      await connection.sendNotification("exit");
    } finally {
      connection.dispose();
      child.kill();
    }
  });

  it("takes the initializationOptions the extension builds (missing-speaker as info)", async () => {
    const d = await waitFor("missing-speaker on the heading", missingSpeaker);
    assert.equal(d.source, "talknotes");
    assert.equal(d.severity, 3, `severity ${d.severity}, want 3 (info) from initializationOptions`);
  });

  it("takes settings.talknotes in didChangeConfiguration (missing-speaker as hint)", async () => {
    current = settings({ rules: { "missing-speaker": "hint" }, offline: true });
    await connection.sendNotification("workspace/didChangeConfiguration", { settings: { talknotes: current } });
    const d = await waitFor("missing-speaker republished as a hint", () => {
      const found = missingSpeaker();
      return found?.severity === 4 ? found : undefined;
    });
    assert.equal(d.severity, 4);
  });

  it("reports 'Indexing notes' progress that ends, as the status bar shows it", async () => {
    await waitFor("an 'Indexing notes' begin and its end", () => {
      const begin = progressSeen.find((p) => p.value.kind === "begin" && p.value.title === "Indexing notes");
      return begin && progressSeen.some((p) => p.token === begin.token && p.value.kind === "end") ? true : undefined;
    });
    assert.equal(tracker.current(), undefined, "no progress left running after its end");
  });
});
