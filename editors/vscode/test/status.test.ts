import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { COMMANDS, ProgressTracker, statusView } from "../src/status";

describe("ProgressTracker", () => {
  it("follows begin, report and end of the indexing progress", () => {
    const tracker = new ProgressTracker();
    assert.equal(tracker.current(), undefined);
    tracker.update("idx", { kind: "begin", title: "Indexing notes", percentage: 0 });
    assert.deepEqual(tracker.current(), { title: "Indexing notes", message: undefined, percentage: 0 });
    tracker.update("idx", { kind: "report", message: "3/10 files", percentage: 30 });
    assert.deepEqual(tracker.current(), { title: "Indexing notes", message: "3/10 files", percentage: 30 });
    tracker.update("idx", { kind: "report", message: "4/10 files" });
    assert.deepEqual(tracker.current(), { title: "Indexing notes", message: "4/10 files", percentage: 30 });
    tracker.update("idx", { kind: "end" });
    assert.equal(tracker.current(), undefined);
  });

  it("ignores reports for tokens it never saw begin", () => {
    const tracker = new ProgressTracker();
    tracker.update(7, { kind: "report", percentage: 50 });
    tracker.update(7, { kind: "end" });
    assert.equal(tracker.current(), undefined);
  });

  it("shows the latest of several, then the earlier one again", () => {
    const tracker = new ProgressTracker();
    tracker.update(1, { kind: "begin", title: "Indexing notes" });
    tracker.update(2, { kind: "begin", title: "Loading PEP index" });
    assert.equal(tracker.current()?.title, "Loading PEP index");
    tracker.update(2, { kind: "end" });
    assert.equal(tracker.current()?.title, "Indexing notes");
    tracker.clear();
    assert.equal(tracker.current(), undefined);
  });
});

describe("statusView", () => {
  it("shows indexing progress while the server reports it", () => {
    const view = statusView("running", { title: "Indexing notes", message: "3/10 files", percentage: 29.6 });
    assert.equal(view.text, "$(sync~spin) talknotes: Indexing notes 30%");
    assert.equal(view.tooltip, "Indexing notes: 3/10 files");
    assert.equal(view.command, COMMANDS.showOutput);
  });

  it("shows no percentage the server did not give", () => {
    assert.equal(statusView("running", { title: "Indexing notes" }).text, "$(sync~spin) talknotes: Indexing notes");
  });

  it("shows a running server as ready", () => {
    const view = statusView("running");
    assert.equal(view.text, "$(check) talknotes");
    assert.equal(view.error, false);
  });

  it("offers a restart when the server is down or failed", () => {
    assert.equal(statusView("stopped").command, COMMANDS.restart);
    const failed = statusView("failed", undefined, "talknotes: \"talknotes-ls\" was not found on PATH.");
    assert.equal(failed.command, COMMANDS.restart);
    assert.equal(failed.error, true);
    assert.match(failed.tooltip, /not found on PATH\. Click to try again\./);
  });
});
