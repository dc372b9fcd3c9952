-- Checks the configurations this folder ships, in a real Neovim: on 0.11+
-- lsp/talknotes_ls.lua with vim.lsp.enable, on older versions
-- legacy/talknotes_ls.lua. run_configs.sh puts a server named `talknotes-ls`
-- first on PATH (the stand-in fake_server.py, or a real build), because the
-- configurations start it by that name.
--
-- Passes when opening workspace/pycon-2017.md with 'filetype' detection on
-- starts the server with the workspace (talknotes.toml) as root, attaches it
-- to the buffer, and a `missing-speaker` diagnostic arrives with the severity
-- set through the configuration's settings (rules = { missing-speaker = hint }).

local WAIT_MS = tonumber(vim.env.TALKNOTES_NVIM_WAIT_MS or '') or 10000
local config_dir = assert(vim.env.TALKNOTES_NVIM_CONFIG_DIR, 'TALKNOTES_NVIM_CONFIG_DIR not set')
local workspace = assert(vim.env.TALKNOTES_NVIM_WORKSPACE, 'TALKNOTES_NVIM_WORKSPACE not set')

local function say(line)
  io.stdout:write(line, '\n')
  io.stdout:flush()
end

local function done(ok, what, detail)
  say((ok and 'PASS ' or 'FAIL ') .. what .. ': ' .. detail)
  say(string.format('neovim-config: %d passed, %d failed', ok and 1 or 0, ok and 0 or 1))
  -- get_active_clients is deprecated in 0.11, get_clients new in 0.10.
  for _, client in pairs((vim.lsp.get_clients or vim.lsp.get_active_clients)()) do
    vim.lsp.stop_client(client.id, true)
  end
  if ok then
    vim.cmd('qall!')
  else
    pcall(vim.cmd, 'cquit 1')
    os.exit(1)
  end
end

local function run()
  local settings = { rules = { ['missing-speaker'] = 'hint' }, offline = true }
  local what
  if vim.fn.has('nvim-0.11') == 1 then
    what = 'lsp/talknotes_ls.lua (vim.lsp.enable)'
    vim.opt.runtimepath:prepend(config_dir)
    vim.lsp.config('talknotes_ls', { settings = { talknotes = settings } })
    vim.lsp.enable('talknotes_ls')
  else
    what = 'legacy/talknotes_ls.lua (setup)'
    package.path = config_dir .. '/legacy/?.lua;' .. package.path
    require('talknotes_ls').setup({ settings = settings })
  end
  vim.cmd('filetype on')
  vim.cmd('edit ' .. vim.fn.fnameescape(workspace .. '/pycon-2017.md'))
  local buf = vim.api.nvim_get_current_buf()
  if vim.bo[buf].filetype ~= 'markdown' then
    return done(false, what, 'filetype is ' .. vim.bo[buf].filetype .. ', not markdown')
  end

  local function client()
    local attached = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = buf }) or vim.lsp.buf_get_clients(buf)
    for _, c in pairs(attached) do
      if c.name == 'talknotes_ls' then
        return c
      end
    end
  end
  local function missing_speaker()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == 'missing-speaker' then
        return d
      end
    end
  end
  vim.wait(WAIT_MS, function()
    return missing_speaker() ~= nil
  end, 20)

  local c = client()
  if not c then
    return done(false, what, 'no talknotes_ls client attached to the markdown buffer within ' .. WAIT_MS .. ' ms')
  end
  local root = vim.fn.resolve(c.config.root_dir or '')
  if root ~= vim.fn.resolve(workspace) then
    return done(false, what, string.format('root %q, want %q (talknotes.toml)', root, workspace))
  end
  local d = missing_speaker()
  if not d then
    return done(false, what, 'no missing-speaker diagnostic within ' .. WAIT_MS .. ' ms')
  end
  if d.severity ~= vim.diagnostic.severity.HINT then
    return done(false, what, string.format('severity %s, want HINT from settings rules', tostring(d.severity)))
  end
  return done(true, what, string.format('attached, root %s, missing-speaker (hint) on line %d', root, d.lnum))
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  done(false, 'script', tostring(err))
end
