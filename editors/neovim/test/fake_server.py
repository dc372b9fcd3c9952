#!/usr/bin/env python3
"""A stand-in for talknotes-ls that tests the Neovim test itself.

It is not the server: it knows just enough about the fixture workspace to
answer the way the real server is specified to (ARCHITECTURE.md), so that
`run.sh fake_server.py` proves e2e.lua can pass, and the variants below prove
it fails when an answer is wrong:

    FAKE_TALKNOTES_BREAK=line        missing-speaker one line too low
    FAKE_TALKNOTES_BREAK=severity    ignores init_options rules
    FAKE_TALKNOTES_BREAK=completion  offers no speakers
    FAKE_TALKNOTES_BREAK=definition  answers definition with the same file
    FAKE_TALKNOTES_BREAK=silent      never publishes diagnostics

Standard library only. Stdio, Content-Length framing, UTF-16 positions
(the fixture is ASCII where it matters).
"""

import json
import os
import re
import sys
import urllib.parse
import urllib.request

BREAK = os.environ.get("FAKE_TALKNOTES_BREAK", "")
SEVERITY = {"error": 1, "warning": 2, "info": 3, "hint": 4}

# A heading talk "# Title (Speaker)", or a paragraph talk line "Title – Speaker" / "Title, Speaker".
HEADING = re.compile(r"^#\s+(?P<title>.+?)(?:\s+\((?P<speaker>[A-Z][\w.' -]+)\))?\s*$")
LINE_TALK = re.compile(r"^(?P<title>[A-Z][^•#].*?)(?: – |, )(?P<speaker>[A-Z][a-z]+ [A-Z][a-z]+)$")


def read_message(stream):
    length = None
    while True:
        header = stream.readline()
        if not header:
            return None
        header = header.strip()
        if not header:
            break
        name, _, value = header.decode("ascii").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return json.loads(stream.read(length))


def send(message):
    body = json.dumps(message).encode("utf-8")
    sys.stdout.buffer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    sys.stdout.buffer.flush()


def path_of(uri):
    return urllib.request.url2pathname(urllib.parse.urlparse(uri).path)


def uri_of(path):
    return "file://" + urllib.request.pathname2url(path)


def talks(text):
    """(line, speaker or None) for each talk in the text."""
    out = []
    for number, line in enumerate(text.splitlines()):
        m = HEADING.match(line) or LINE_TALK.match(line)
        if m:
            out.append((number, m.group("speaker")))
    return out


class Server:
    def __init__(self):
        self.root = None
        self.docs = {}
        self.severity = 2

    def workspace_texts(self):
        texts = {}
        if self.root:
            for name in sorted(os.listdir(self.root)):
                if name.endswith((".md", ".markdown")):
                    path = os.path.join(self.root, name)
                    with open(path, encoding="utf-8") as f:
                        texts[uri_of(path)] = f.read()
        texts.update(self.docs)
        return texts

    def publish(self, uri):
        if BREAK == "silent":
            return
        diagnostics = []
        for line, speaker in talks(self.docs[uri]):
            if speaker is None:
                at = line + 1 if BREAK == "line" else line
                diagnostics.append(
                    {
                        "range": {"start": {"line": at, "character": 0}, "end": {"line": at, "character": 17}},
                        "severity": 2 if BREAK == "severity" else self.severity,
                        "code": "missing-speaker",
                        "source": "talknotes",
                        "message": "talk has no speaker",
                    }
                )
        send({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
              "params": {"uri": uri, "diagnostics": diagnostics}})

    def speakers(self):
        found = set()
        for text in self.workspace_texts().values():
            found.update(s for _, s in talks(text) if s)
        return sorted(found)

    def definition(self, uri, position):
        line = self.docs[uri].splitlines()[position["line"]]
        for speaker in self.speakers():
            start = line.find(speaker)
            if start <= position["character"] <= start + len(speaker) and start >= 0:
                locations = []
                for other, text in self.workspace_texts().items():
                    if BREAK == "definition" and other != uri:
                        continue
                    for number, s in talks(text):
                        if s == speaker:
                            locations.append({"uri": other, "range": {
                                "start": {"line": number, "character": 0},
                                "end": {"line": number, "character": 0}}})
                return locations
        return None

    def handle(self, message):
        method = message.get("method")
        params = message.get("params") or {}
        if method == "initialize":
            self.root = path_of(params["rootUri"]) if params.get("rootUri") else None
            rules = (params.get("initializationOptions") or {}).get("rules") or {}
            self.severity = SEVERITY.get(rules.get("missing-speaker"), 2)
            return {"capabilities": {
                "textDocumentSync": 1,
                "completionProvider": {"triggerCharacters": ["(", " ", ","]},
                "definitionProvider": True,
            }, "serverInfo": {"name": "fake-talknotes-ls"}}
        if method == "textDocument/didOpen":
            doc = params["textDocument"]
            self.docs[doc["uri"]] = doc["text"]
            self.publish(doc["uri"])
        elif method == "textDocument/didChange":
            self.docs[params["textDocument"]["uri"]] = params["contentChanges"][-1]["text"]
            self.publish(params["textDocument"]["uri"])
        elif method == "textDocument/completion":
            if BREAK == "completion":
                return []
            return [{"label": s, "kind": 12} for s in self.speakers()]
        elif method == "textDocument/definition":
            return self.definition(params["textDocument"]["uri"], params["position"])
        elif method == "shutdown":
            return None
        elif method == "exit":
            sys.exit(0)
        return None


def main():
    server = Server()
    while True:
        message = read_message(sys.stdin.buffer)
        if message is None:
            return
        result = server.handle(message)
        if "id" in message and "method" in message:
            send({"jsonrpc": "2.0", "id": message["id"], "result": result})


if __name__ == "__main__":
    main()
