// The VS Code side of talknotes-ls: starts the server for markdown files,
// passes the `talknotes.*` settings to it, and shows its state and indexing
// progress in the status bar. The decisions live in plain modules
// (settings.ts, serverPath.ts, status.ts) that are tested without VS Code.

import * as os from "node:os";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
} from "vscode-languageclient/node";
import { INSTALL_COMMANDS, missingServerMessage, resolveServerPath } from "./serverPath";
import { type ServerSettings, toServerSettings } from "./settings";
import { COMMANDS, ProgressTracker, type ServerState, statusView } from "./status";

const SECTION = "talknotes";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let statusItem: vscode.StatusBarItem;
const progress = new ProgressTracker();
let state: ServerState = "stopped";
let failure: string | undefined;

function workspaceFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.find((folder) => folder.uri.scheme === "file")?.uri.fsPath;
}

function currentSettings(): ServerSettings {
  const { settings, problems } = toServerSettings(vscode.workspace.getConfiguration(SECTION), {
    workspaceFolder: workspaceFolder(),
    home: os.homedir(),
  });
  for (const problem of problems) {
    output.appendLine(`[settings] ${problem}`);
  }
  return settings;
}

function refreshStatus(): void {
  const view = statusView(state, progress.current(), failure);
  statusItem.text = view.text;
  statusItem.tooltip = view.tooltip;
  statusItem.command = view.command;
  statusItem.backgroundColor = view.error ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
  statusItem.show();
}

function setState(next: ServerState, detail?: string): void {
  state = next;
  failure = detail;
  if (next !== "running") {
    progress.clear();
  }
  refreshStatus();
}

async function reportMissingServer(message: string): Promise<void> {
  output.appendLine(message);
  setState("failed", message);
  const openSettings = "Open Settings";
  const copy = "Copy Install Command";
  const choice = await vscode.window.showErrorMessage(message, openSettings, copy);
  if (choice === openSettings) {
    await vscode.commands.executeCommand("workbench.action.openSettings", `${SECTION}.server.path`);
  } else if (choice === copy) {
    await vscode.env.clipboard.writeText(INSTALL_COMMANDS.release);
  }
}

async function startClient(): Promise<void> {
  const resolution = resolveServerPath(
    vscode.workspace.getConfiguration(SECTION).get<string>("server.path"),
    {
      workspaceFolder: workspaceFolder(),
      home: os.homedir(),
      env: process.env,
      platform: process.platform,
    },
  );
  if (!resolution.found) {
    output.appendLine(`[server] looked for: ${resolution.searched.join(", ") || "(nothing to search)"}`);
    void reportMissingServer(missingServerMessage(resolution));
    return;
  }
  output.appendLine(`[server] starting ${resolution.command}`);

  const serverOptions: ServerOptions = {
    command: resolution.command,
    args: ["--stdio"],
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "markdown" },
      { scheme: "untitled", language: "markdown" },
    ],
    initializationOptions: currentSettings(),
    outputChannel: output,
    synchronize: {
      // Notes that are not open still take part in cross-file rules.
      fileEvents: [
        vscode.workspace.createFileSystemWatcher("**/*.{md,markdown}"),
        vscode.workspace.createFileSystemWatcher("**/talknotes.toml"),
      ],
    },
    middleware: {
      // Every `$/progress` the client shows passes through here; the
      // built-in progress UI keeps working, the status bar mirrors it.
      handleWorkDoneProgress(token, params, next) {
        progress.update(token, params);
        refreshStatus();
        next(token, params);
      },
      workspace: {
        // A server that pulls its settings gets the same object as
        // initializationOptions, not the raw VS Code section.
        async configuration(params, token, next) {
          const raw = await next(params, token);
          if (!Array.isArray(raw)) {
            return raw;
          }
          return params.items.map((item, i) =>
            item.section === SECTION ? currentSettings() : (raw as unknown[])[i],
          );
        },
      },
    },
  };

  const next = new LanguageClient(SECTION, "talknotes", serverOptions, clientOptions);
  client = next;
  next.onDidChangeState((event) => {
    if (client !== next) {
      return;
    }
    switch (event.newState) {
      case State.Starting:
        setState("starting");
        break;
      case State.Running:
        setState("running");
        break;
      case State.Stopped:
        setState("stopped");
        break;
    }
  });
  setState("starting");
  try {
    await next.start();
  } catch (error) {
    const message = `talknotes: ${resolution.command} could not be started: ${error instanceof Error ? error.message : String(error)}`;
    output.appendLine(message);
    setState("failed", message);
  }
}

async function stopClient(): Promise<void> {
  const current = client;
  client = undefined;
  if (current === undefined) {
    return;
  }
  try {
    await current.dispose(2000);
  } catch (error) {
    output.appendLine(`[server] stop: ${error instanceof Error ? error.message : String(error)}`);
  }
  setState("stopped");
}

/** The server writes the HTML report of the notes (`talknotes.report`, with
 * the open documents as they are) and says where; it opens in the browser. */
async function openReport(): Promise<void> {
  if (!client?.isRunning()) {
    void vscode.window.showWarningMessage("talknotes: the server is not running.");
    return;
  }
  try {
    const written: unknown = await client.sendRequest(ExecuteCommandRequest.type, {
      command: "talknotes.report",
      arguments: [],
    });
    if (typeof written !== "string") {
      throw new Error(`unexpected answer: ${JSON.stringify(written)}`);
    }
    output.appendLine(`[report] ${written}`);
    await vscode.env.openExternal(vscode.Uri.file(written));
  } catch (error) {
    const message = `talknotes: the report could not be written: ${error instanceof Error ? error.message : String(error)}`;
    output.appendLine(message);
    void vscode.window.showErrorMessage(message);
  }
}

async function restartClient(): Promise<void> {
  await stopClient();
  await startClient();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("talknotes");
  statusItem = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  statusItem.name = "talknotes";
  context.subscriptions.push(
    output,
    statusItem,
    vscode.commands.registerCommand(COMMANDS.restart, restartClient),
    vscode.commands.registerCommand(COMMANDS.showOutput, () => output.show(true)),
    vscode.commands.registerCommand(COMMANDS.openReport, openReport),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration(SECTION)) {
        return;
      }
      if (event.affectsConfiguration(`${SECTION}.server.path`)) {
        await restartClient();
      } else if (client?.isRunning()) {
        await client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { [SECTION]: currentSettings() },
        });
      }
    }),
  );
  await startClient();
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
