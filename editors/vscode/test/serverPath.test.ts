import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import {
  INSTALL_COMMANDS,
  defaultIsExecutable,
  missingServerMessage,
  resolveServerPath,
} from "../src/serverPath";

const posix = (files: string[]) => (file: string) => files.includes(file);

describe("resolveServerPath", () => {
  it("finds talknotes-ls on PATH by default", () => {
    const r = resolveServerPath(undefined, {
      env: { PATH: "/usr/bin:/opt/tn/bin" },
      platform: "linux",
      isExecutable: posix(["/opt/tn/bin/talknotes-ls"]),
    });
    assert.deepEqual(r, { found: true, command: "/opt/tn/bin/talknotes-ls" });
  });

  it("treats a blank setting as the default", () => {
    const r = resolveServerPath("  ", {
      env: { PATH: "/bin" },
      platform: "linux",
      isExecutable: posix(["/bin/talknotes-ls"]),
    });
    assert.deepEqual(r, { found: true, command: "/bin/talknotes-ls" });
  });

  it("falls back to cargo's bin folder, which GUI editors often lack on PATH", () => {
    const r = resolveServerPath(undefined, {
      env: { PATH: "/usr/bin" },
      home: "/home/ada",
      platform: "linux",
      isExecutable: posix(["/home/ada/.cargo/bin/talknotes-ls"]),
    });
    assert.deepEqual(r, { found: true, command: "/home/ada/.cargo/bin/talknotes-ls" });
  });

  it("honours CARGO_HOME", () => {
    const r = resolveServerPath(undefined, {
      env: { PATH: "", CARGO_HOME: "/opt/cargo" },
      home: "/home/ada",
      platform: "linux",
      isExecutable: posix(["/opt/cargo/bin/talknotes-ls"]),
    });
    assert.deepEqual(r, { found: true, command: "/opt/cargo/bin/talknotes-ls" });
  });

  it("reports every place it looked when the binary is missing", () => {
    const r = resolveServerPath(undefined, {
      env: { PATH: "/usr/bin:/bin" },
      home: "/home/ada",
      platform: "linux",
      isExecutable: () => false,
    });
    assert.deepEqual(r, {
      found: false,
      setting: "talknotes-ls",
      searched: ["/usr/bin/talknotes-ls", "/bin/talknotes-ls", "/home/ada/.cargo/bin/talknotes-ls"],
    });
  });

  it("expands ~ and resolves relative paths against the workspace folder", () => {
    const ctx = {
      env: { PATH: "/usr/bin" },
      home: "/home/ada",
      workspaceFolder: "/notes",
      platform: "linux" as const,
      isExecutable: posix(["/home/ada/bin/tn", "/notes/target/release/talknotes-ls"]),
    };
    assert.deepEqual(resolveServerPath("~/bin/tn", ctx), { found: true, command: "/home/ada/bin/tn" });
    assert.deepEqual(resolveServerPath("target/release/talknotes-ls", ctx), {
      found: true,
      command: "/notes/target/release/talknotes-ls",
    });
    assert.deepEqual(resolveServerPath("${workspaceFolder}/target/release/talknotes-ls", ctx), {
      found: true,
      command: "/notes/target/release/talknotes-ls",
    });
    assert.deepEqual(resolveServerPath("/nowhere/talknotes-ls", ctx), {
      found: false,
      setting: "/nowhere/talknotes-ls",
      searched: ["/nowhere/talknotes-ls"],
    });
  });

  it("tries PATHEXT extensions on Windows", () => {
    const r = resolveServerPath(undefined, {
      env: { Path: "C:\\tools;C:\\cargo\\bin", PATHEXT: ".COM;.EXE" },
      platform: "win32",
      isExecutable: (f) => f === "C:\\cargo\\bin\\talknotes-ls.exe",
    });
    assert.deepEqual(r, { found: true, command: "C:\\cargo\\bin\\talknotes-ls.exe" });
  });
});

describe("defaultIsExecutable", () => {
  it("accepts an executable file and rejects a plain file and a folder", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "talknotes-test-"));
    try {
      const exe = path.join(dir, "talknotes-ls");
      const plain = path.join(dir, "notes.md");
      writeFileSync(exe, "#!/bin/sh\n");
      chmodSync(exe, 0o755);
      writeFileSync(plain, "# notes\n");
      chmodSync(plain, 0o644);
      assert.equal(defaultIsExecutable(exe), true);
      assert.equal(defaultIsExecutable(dir), false);
      assert.equal(defaultIsExecutable(path.join(dir, "missing")), false);
      if (process.platform !== "win32") {
        // No execute bit at all: not executable, not even for root.
        assert.equal(defaultIsExecutable(plain), false);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("missingServerMessage", () => {
  it("names both install commands and the setting", () => {
    const message = missingServerMessage({ setting: "talknotes-ls", searched: [] });
    assert.match(message, /"talknotes-ls" was not found on PATH/);
    assert.ok(message.includes(INSTALL_COMMANDS.release), message);
    assert.ok(message.includes(INSTALL_COMMANDS.fromClone), message);
    assert.ok(message.includes("talknotes.server.path"), message);
  });

  it("names a configured path that is wrong", () => {
    const message = missingServerMessage({ setting: "~/bin/tn", searched: ["/home/ada/bin/tn"] });
    assert.match(message, /"~\/bin\/tn" \(talknotes.server.path\) was not found/);
  });
});
