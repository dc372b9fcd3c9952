#!/usr/bin/env python3
"""Validates editors/helix/languages.toml (Helix itself cannot be installed here).

Checks that it parses as TOML and that it says what the README promises:
a talknotes-ls server started by name, a config with only the server's
setting keys and valid rule severities, and markdown using talknotes-ls next
to marksman. Standard library only (Python 3.11+ for tomllib).
"""

import pathlib
import sys
import tomllib

RULES = {
    "missing-speaker", "broken-link", "schedule-link", "pep-format", "unknown-pep",
    "pep-mismatch", "malformed-issue", "speaker-typo", "duplicate-talk", "empty-notes",
    "talk-title", "library-typo", "missing-conference",
}
SEVERITIES = {"error", "warning", "info", "hint", "off"}
SETTINGS = {"rules", "pepIndex", "catalogs", "offline", "ignore", "inlayHints"}


def check(path):
    problems = []
    with open(path, "rb") as f:
        data = tomllib.load(f)

    server = data.get("language-server", {}).get("talknotes-ls")
    if server is None:
        return ["no [language-server.talknotes-ls]"]
    if server.get("command") != "talknotes-ls":
        problems.append(f"command is {server.get('command')!r}, want 'talknotes-ls'")
    if not all(isinstance(a, str) for a in server.get("args", [])):
        problems.append("args must be strings")
    config = server.get("config", {})
    for key in config:
        if key not in SETTINGS:
            problems.append(f"config.{key} is not a server setting ({', '.join(sorted(SETTINGS))})")
    for rule, severity in config.get("rules", {}).items():
        if rule not in RULES:
            problems.append(f"config.rules.{rule} is not a rule code")
        if severity not in SEVERITIES:
            problems.append(f"config.rules.{rule} = {severity!r} is not a severity")
    if not isinstance(config.get("offline", False), bool):
        problems.append("config.offline must be a boolean")
    if set(config.get("inlayHints", {})) - {"pepTitles"}:
        problems.append("config.inlayHints has keys other than pepTitles")

    markdown = [lang for lang in data.get("language", []) if lang.get("name") == "markdown"]
    if len(markdown) != 1:
        problems.append(f"want one [[language]] named markdown, found {len(markdown)}")
    else:
        servers = markdown[0].get("language-servers", [])
        names = [s if isinstance(s, str) else s.get("name") for s in servers]
        for name in ("marksman", "talknotes-ls"):
            if name not in names:
                problems.append(f"markdown language-servers lacks {name!r}: {names}")
        if "talknotes.toml" not in markdown[0].get("roots", []):
            problems.append("markdown roots lack talknotes.toml")
    return problems


def main():
    path = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).with_name("languages.toml"))
    try:
        problems = check(path)
    except tomllib.TOMLDecodeError as e:
        problems = [f"not valid TOML: {e}"]
    for p in problems:
        print(f"FAIL helix {path.name}: {p}")
    if problems:
        return 1
    print(f"PASS helix {path.name}: parses; talknotes-ls configured next to marksman for markdown")
    return 0


if __name__ == "__main__":
    sys.exit(main())
