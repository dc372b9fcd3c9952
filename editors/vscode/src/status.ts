// What the status-bar item says: the server's state, and the server's own
// work-done progress ("Indexing notes") while there is some.
//
// No `vscode` import here: this module is unit-tested under plain node.

export type ServerState = "starting" | "running" | "stopped" | "failed";

/** A `$/progress` value (`WorkDoneProgressBegin | Report | End`). */
export interface WorkDoneValue {
  kind: "begin" | "report" | "end";
  title?: string;
  message?: string;
  percentage?: number;
}

export interface ActiveProgress {
  title: string;
  message?: string;
  percentage?: number;
}

/**
 * The server's work-done progress, by token. Only what the server reported is
 * shown: nothing is extrapolated, and an `end` (or a restart) clears it.
 */
export class ProgressTracker {
  private readonly active = new Map<string | number, ActiveProgress>();

  update(token: string | number, value: WorkDoneValue): void {
    switch (value.kind) {
      case "begin":
        // Re-insert so that the most recently begun progress is last.
        this.active.delete(token);
        this.active.set(token, {
          title: value.title ?? "Working",
          message: value.message,
          percentage: value.percentage,
        });
        break;
      case "report": {
        const entry = this.active.get(token);
        if (entry !== undefined) {
          if (value.message !== undefined) {
            entry.message = value.message;
          }
          if (value.percentage !== undefined) {
            entry.percentage = value.percentage;
          }
        }
        break;
      }
      case "end":
        this.active.delete(token);
        break;
    }
  }

  clear(): void {
    this.active.clear();
  }

  /** The most recently begun progress still running. */
  current(): ActiveProgress | undefined {
    let last: ActiveProgress | undefined;
    for (const entry of this.active.values()) {
      last = entry;
    }
    return last;
  }
}

export interface StatusView {
  text: string;
  tooltip: string;
  /** Command id to run on click. */
  command: string;
  /** Whether to show the item in the error colour. */
  error: boolean;
}

export const COMMANDS = {
  restart: "talknotes.restartServer",
  showOutput: "talknotes.showOutput",
  openReport: "talknotes.openReport",
} as const;

export function statusView(state: ServerState, progress?: ActiveProgress, detail?: string): StatusView {
  switch (state) {
    case "starting":
      return {
        text: "$(loading~spin) talknotes",
        tooltip: "talknotes-ls is starting",
        command: COMMANDS.showOutput,
        error: false,
      };
    case "running": {
      if (progress === undefined) {
        return {
          text: "$(check) talknotes",
          tooltip: "talknotes-ls is running. Click to show its output.",
          command: COMMANDS.showOutput,
          error: false,
        };
      }
      const pct =
        progress.percentage !== undefined
          ? ` ${Math.max(0, Math.min(100, Math.round(progress.percentage)))}%`
          : "";
      return {
        text: `$(sync~spin) talknotes: ${progress.title}${pct}`,
        tooltip: progress.message ? `${progress.title}: ${progress.message}` : progress.title,
        command: COMMANDS.showOutput,
        error: false,
      };
    }
    case "stopped":
      return {
        text: "$(circle-slash) talknotes",
        tooltip: "talknotes-ls is not running. Click to restart it.",
        command: COMMANDS.restart,
        error: false,
      };
    case "failed":
      return {
        text: "$(error) talknotes",
        tooltip: `${detail ?? "talknotes-ls could not be started"} Click to try again.`,
        command: COMMANDS.restart,
        error: true,
      };
  }
}
