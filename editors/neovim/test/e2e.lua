-- End-to-end test: a real Neovim (0.7.2 and later) drives talknotes-ls over
-- stdio on the fixture workspace in ./workspace.
--
-- Run it through run.sh, which sets:
--   TALKNOTES_LS              path to the talknotes-ls binary (required)
--   TALKNOTES_NVIM_WORKSPACE  the fixture workspace (required)
--   TALKNOTES_NVIM_FULL=1     also check completion (b) and definition (c)
--   TALKNOTES_NVIM_WAIT_MS    how long each step may wait (default 10000)
--
-- Checks:
--   (a) diagnostics: `missing-speaker` on the heading `# Some Talk Title`
--       (right line, starting at the `#` or at the title), none on a heading
--       that names its speaker, with the severity set in init_options;
--   (b) completion after `# Another Talk (Ad` offers `Ada Example`;
--   (c) definition on `Ada Example` in pycon-2017.md finds the talk line in
--       pycon-2014.md.
-- Exit status: 0 all required checks passed, 1 a check failed, 2 the server
-- could not be started or did not initialize, 3 an error in this script.

local env = vim.env
local WAIT_MS = tonumber(env.TALKNOTES_NVIM_WAIT_MS or '') or 10000
local FULL = env.TALKNOTES_NVIM_FULL == '1'

local results = { passed = 0, failed = 0, skipped = 0 }

local function say(line)
  io.stdout:write(line, '\n')
  io.stdout:flush()
end

local function finish(code)
  say(string.format('neovim-e2e: %d passed, %d failed, %d skipped', results.passed, results.failed, results.skipped))
  -- get_active_clients is deprecated in 0.11, get_clients new in 0.10.
  for _, client in pairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
    vim.lsp.stop_client(client.id, true)
  end
  -- `:cquit N` exits with N even from a script; `os.exit` is the fallback.
  if code == 0 then
    vim.cmd('qall!')
  else
    pcall(vim.cmd, 'cquit ' .. code)
    os.exit(code)
  end
end

local function pass(name, detail)
  results.passed = results.passed + 1
  say('PASS ' .. name .. (detail and (': ' .. detail) or ''))
end

local function fail(name, detail)
  results.failed = results.failed + 1
  say('FAIL ' .. name .. ': ' .. detail)
end

local function skip(name, detail)
  results.skipped = results.skipped + 1
  say('SKIP ' .. name .. ': ' .. detail)
end

--- Index (0-based) of the first line of `lines` equal to `text`.
local function find_line(lines, text)
  for i, line in ipairs(lines) do
    if line == text then
      return i - 1
    end
  end
  return nil
end

local function read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    lines[#lines + 1] = line
  end
  return lines
end

local function ends_with(s, suffix)
  return s:sub(-#suffix) == suffix
end

local function run()
  local server = env.TALKNOTES_LS
  local workspace = env.TALKNOTES_NVIM_WORKSPACE
  if not server or server == '' or not workspace or workspace == '' then
    fail('setup', 'TALKNOTES_LS and TALKNOTES_NVIM_WORKSPACE must be set (use run.sh)')
    return finish(2)
  end
  local file_2017 = workspace .. '/pycon-2017.md'
  local file_2014 = workspace .. '/pycon-2014.md'
  say('server:    ' .. server)
  say('workspace: ' .. workspace)
  say('neovim:    ' .. tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) .. '.' .. tostring(vim.version().patch))

  -- Raw publishDiagnostics params by URI: the test looks at the wire data
  -- (code, range), not at Neovim's conversion of it.
  local published = {}
  local initialized = false
  local exited = nil

  local init_options = {
    offline = true,
    rules = { ['missing-speaker'] = 'info' },
  }
  local client_id = vim.lsp.start_client({
    name = 'talknotes_ls',
    cmd = { server },
    root_dir = workspace,
    init_options = init_options,
    settings = { talknotes = init_options },
    flags = { debounce_text_changes = 50 },
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
        if params and params.uri then
          published[params.uri] = params.diagnostics
        end
        return vim.lsp.handlers['textDocument/publishDiagnostics'](err, params, ctx, config)
      end,
    },
    on_init = function()
      initialized = true
    end,
    on_exit = function(code, signal)
      exited = { code = code, signal = signal }
    end,
  })
  if not client_id then
    fail('setup', 'could not start the server `' .. server .. '` (not found or not executable?)')
    return finish(2)
  end

  local ok = vim.wait(WAIT_MS, function()
    return initialized or exited ~= nil
  end, 20)
  if not initialized then
    if exited then
      fail('setup', string.format('the server exited (code %s, signal %s) before answering initialize',
        tostring(exited.code), tostring(exited.signal)))
    elseif not ok then
      fail('setup', string.format('no answer to initialize within %d ms (is `%s` a language server?)', WAIT_MS, server))
    else
      fail('setup', 'initialize failed')
    end
    return finish(2)
  end
  local client = vim.lsp.get_client_by_id(client_id)
  say('initialized: ' .. tostring(client.name))

  -- Open the 2017 notes. The 2014 file stays closed: the server must find it
  -- in the workspace by itself for (c).
  vim.cmd('edit ' .. vim.fn.fnameescape(file_2017))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = 'markdown'
  vim.lsp.buf_attach_client(buf, client_id)
  local uri_2017 = vim.uri_from_bufnr(buf)
  local lines_2017 = vim.api.nvim_buf_get_lines(buf, 0, -1, false)

  -- (a) missing-speaker on `# Some Talk Title`, not on `# Talk One (Ada Example)`.
  do
    local name = '(a) diagnostics'
    local heading = '# Some Talk Title'
    local want_line = find_line(lines_2017, heading)
    local good_line = find_line(lines_2017, '# Talk One (Ada Example)')
    assert(want_line and good_line, 'fixture pycon-2017.md lost its headings')
    local function missing_speaker_on(line)
      for _, d in ipairs(published[uri_2017] or {}) do
        if d.code == 'missing-speaker' and d.range.start.line == line then
          return d
        end
      end
    end
    vim.wait(WAIT_MS, function()
      return missing_speaker_on(want_line) ~= nil
    end, 20)
    local d = missing_speaker_on(want_line)
    if not d then
      local got = {}
      for _, x in ipairs(published[uri_2017] or {}) do
        got[#got + 1] = string.format('%s@%d:%d', tostring(x.code), x.range.start.line, x.range.start.character)
      end
      fail(name, string.format('no `missing-speaker` on line %d (%q) within %d ms; published for pycon-2017.md: %s',
        want_line, heading, WAIT_MS, published[uri_2017] and ('[' .. table.concat(got, ', ') .. ']') or 'nothing'))
    else
      local start_char = d.range.start.character
      local problems = {}
      if start_char ~= 0 and start_char ~= 2 then
        problems[#problems + 1] = string.format('starts at character %d, want 0 (the `#`) or 2 (the title)', start_char)
      end
      if d.range['end'].line ~= want_line then
        problems[#problems + 1] = string.format('ends on line %d, want %d', d.range['end'].line, want_line)
      end
      if d.source ~= 'talknotes' then
        problems[#problems + 1] = string.format('source %q, want "talknotes"', tostring(d.source))
      end
      if d.severity ~= vim.lsp.protocol.DiagnosticSeverity.Information then
        problems[#problems + 1] = string.format(
          'severity %s, want 3 (Information) as set by init_options rules["missing-speaker"] = "info"', tostring(d.severity))
      end
      if missing_speaker_on(good_line) then
        problems[#problems + 1] = string.format('also flags line %d, which names its speaker', good_line)
      end
      if #problems == 0 then
        pass(name, string.format('missing-speaker at %d:%d %q', want_line, start_char, d.message or ''))
      else
        fail(name, table.concat(problems, '; '))
      end
    end
  end

  -- (b) completion of a speaker inside `(`.
  if not FULL then
    skip('(b) completion', 'set TALKNOTES_NVIM_FULL=1 to check (needs the server\'s speaker completion)')
  else
    local name = '(b) completion'
    local typed = '# Another Talk (Ad'
    local last = vim.api.nvim_buf_line_count(buf)
    vim.api.nvim_buf_set_lines(buf, last, last, false, { '', typed })
    local line = last + 1
    local params = {
      textDocument = { uri = uri_2017 },
      position = { line = line, character = #typed },
      context = { triggerKind = 1 },
    }
    if not client.server_capabilities.completionProvider then
      fail(name, 'the server does not advertise completionProvider')
    else
      local labels = {}
      local found = false
      vim.wait(WAIT_MS, function()
        local response = client.request_sync('textDocument/completion', params, 2000, buf)
        local items = response and response.result or {}
        if items.items then
          items = items.items
        end
        labels = {}
        for _, item in ipairs(items) do
          local text = item.textEdit and item.textEdit.newText or item.insertText or item.label
          labels[#labels + 1] = item.label
          if item.label == 'Ada Example' or (text and text:sub(1, #'Ada Example') == 'Ada Example') then
            found = true
          end
        end
        return found
      end, 200)
      if found then
        pass(name, string.format('`Ada Example` offered at %d:%d', line, #typed))
      else
        fail(name, string.format('`Ada Example` not offered at %d:%d after %q; got [%s]',
          line, #typed, typed, table.concat(labels, ', ')))
      end
    end
    -- Put the buffer back as it was on disk (nothing is written).
    vim.api.nvim_buf_set_lines(buf, last, -1, false, {})
  end

  -- (c) definition on a speaker name finds the speaker's talk in the other file.
  if not FULL then
    skip('(c) definition', 'set TALKNOTES_NVIM_FULL=1 to check (needs the server\'s go-to-definition on speakers)')
  else
    local name = '(c) definition'
    local line = find_line(lines_2017, '# Talk One (Ada Example)')
    local character = select(1, lines_2017[line + 1]:find('Ada Example', 1, true)) -- 1-based start of the name
    local want_line = find_line(read_lines(file_2014), 'Talk Two – Ada Example')
    assert(line and character and want_line, 'fixture files lost their Ada Example talks')
    local params = {
      textDocument = { uri = uri_2017 },
      position = { line = line, character = character }, -- inside the name (on its 'd')
    }
    if not client.server_capabilities.definitionProvider then
      fail(name, 'the server does not advertise definitionProvider')
    else
      local seen = {}
      local hit = nil
      vim.wait(WAIT_MS, function()
        local response = client.request_sync('textDocument/definition', params, 2000, buf)
        local result = response and response.result
        if result == nil or result == vim.NIL then
          return false
        end
        if result.uri or result.targetUri then
          result = { result }
        end
        seen = {}
        for _, loc in ipairs(result) do
          local uri = loc.uri or loc.targetUri
          local range = loc.range or loc.targetSelectionRange or loc.targetRange
          seen[#seen + 1] = string.format('%s:%d', uri, range.start.line)
          if ends_with(uri, '/pycon-2014.md') and range.start.line == want_line then
            hit = loc
          end
        end
        return hit ~= nil
      end, 200)
      if hit then
        pass(name, string.format('pycon-2014.md:%d (%q)', want_line, 'Talk Two – Ada Example'))
      else
        fail(name, string.format('no location on pycon-2014.md line %d for `Ada Example` at %d:%d; got [%s]',
          want_line, line, character, table.concat(seen, ', ')))
      end
    end
  end

  return finish(results.failed == 0 and 0 or 1)
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  fail('script error', tostring(err))
  finish(3)
end
