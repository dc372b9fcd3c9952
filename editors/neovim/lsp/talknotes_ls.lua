---@brief
---
--- talknotes-ls: a language server and linter for conference talk notes
--- written in markdown (talks without a speaker, misspelled speakers, PEP and
--- issue references, links, duplicate talks, empty notes).
---
--- Install the server (puts `talknotes-ls` in ~/.cargo/bin):
--- ```sh
--- cargo install talknotes-ls          # or, in a clone: cargo install --path server
--- ```
---
--- Neovim 0.11+: put this file on 'runtimepath' as `lsp/talknotes_ls.lua`
--- (e.g. ~/.config/nvim/lsp/talknotes_ls.lua) and call
--- ```lua
--- vim.lsp.enable('talknotes_ls')
--- ```
--- Change settings with `vim.lsp.config('talknotes_ls', { settings = { talknotes = { ... } } })`.
---
--- Settings (the same keys as `talknotes.toml`):
--- - `rules`: rule code -> "error" | "warning" | "info" | "hint" | "off"; codes:
---   missing-speaker, broken-link, schedule-link, pep-format, unknown-pep,
---   pep-mismatch, malformed-issue, speaker-typo, duplicate-talk, empty-notes,
---   talk-title, library-typo, missing-conference
--- - `pepIndex`: path to a PEP index (peps.python.org `api/peps.json` format)
--- - `catalogs`: list of paths to talk catalogs
--- - `offline`: never touch the network
--- - `ignore`: list of globs of files to skip
--- - `inlayHints`: `{ pepTitles = true }` shows PEP titles as inlay hints
---
--- Paths are not expanded by the server: use absolute paths, e.g.
--- `vim.fn.expand('~/notes/peps.json')`. An empty table encodes as a JSON list
--- in Neovim: write an empty `rules` as `vim.empty_dict()`, or leave it out.

---@type vim.lsp.Config
return {
  cmd = { 'talknotes-ls' },
  filetypes = { 'markdown' },
  root_markers = { 'talknotes.toml', '.git' },
  settings = {
    talknotes = {
      -- rules = { ['empty-notes'] = 'off', ['missing-speaker'] = 'warning' },
      -- pepIndex = vim.fn.expand('~/notes/peps.json'),
      -- catalogs = { vim.fn.expand('~/notes/pycon-catalog.json') },
      -- ignore = { 'drafts/**' },
      offline = false,
      inlayHints = { pepTitles = true },
    },
  },
  -- Sent with `initialize`. Filled from `settings.talknotes` by before_init,
  -- so that one table configures both the start and later changes
  -- (Neovim sends `settings` in workspace/didChangeConfiguration).
  init_options = {},
  before_init = function(params, config)
    local options = vim.tbl_deep_extend('force', config.init_options or {}, (config.settings or {}).talknotes or {})
    params.initializationOptions = next(options) and options or vim.empty_dict()
  end,
}
