// Tokenize texts with a TextMate grammar in VS Code's own engine (vscode-textmate on vscode-oniguruma).
//
//   node tokenize.js MODULES GRAMMAR < {"name": "text", ...}
//
// MODULES is a node_modules folder holding vscode-textmate and vscode-oniguruma (tests/test_textmate.py
// installs them in a cache folder outside the repository). Reads a JSON object of texts on stdin and
// writes {"name": [[line, start, text, [scope, ...]], ...], ...}: every token of every line, lines
// counted from 1, start in UTF-16 code units as the engine counts them. A pattern Oniguruma cannot
// compile makes the engine throw, and this script exits non-zero with the message.
"use strict";

const fs = require("fs");
const path = require("path");

const [modules, grammarPath] = process.argv.slice(2);
const vsctm = require(path.join(modules, "vscode-textmate"));
const oniguruma = require(path.join(modules, "vscode-oniguruma"));

async function main() {
  const wasm = fs.readFileSync(path.join(modules, "vscode-oniguruma", "release", "onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const grammarText = fs.readFileSync(grammarPath, "utf8");
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) =>
      scopeName === "source.kpi" ? vsctm.parseRawGrammar(grammarText, grammarPath) : null,
  });
  const grammar = await registry.loadGrammar("source.kpi");
  if (!grammar) throw new Error("the grammar's scopeName is not source.kpi");

  const texts = JSON.parse(fs.readFileSync(0, "utf8"));
  const out = {};
  for (const [name, text] of Object.entries(texts)) {
    const tokens = [];
    let state = vsctm.INITIAL;
    text.split(/\r\n|\r|\n/).forEach((line, index) => {
      const result = grammar.tokenizeLine(line, state);
      for (const token of result.tokens) {
        const end = Math.min(token.endIndex, line.length); // the engine reads a line with its "\n"
        if (end > token.startIndex) {
          tokens.push([index + 1, token.startIndex, line.slice(token.startIndex, end), token.scopes]);
        }
      }
      state = result.ruleStack;
    });
    out[name] = tokens;
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
  process.exit(1);
});
