-- talknotes-ls for Neovim 0.7 to 0.10, without nvim-lspconfig.
-- (Neovim 0.11+: use ../lsp/talknotes_ls.lua and vim.lsp.enable instead.)
--
-- Copy to ~/.config/nvim/lua/talknotes_ls.lua, then in init.lua:
--   require('talknotes_ls').setup({
--     -- cmd = { vim.fn.expand('~/.cargo/bin/talknotes-ls') },
--     settings = { offline = true, rules = { ['empty-notes'] = 'off' } },
--   })
--
-- Starts one client per root (the nearest folder with talknotes.toml, else
-- the nearest with .git, else the file's folder) for markdown buffers.

local M = {}

local clients = {} -- root -> client id

local function find_root(file)
  local dir = vim.fn.fnamemodify(file, ':p:h')
  local toml = vim.fn.findfile('talknotes.toml', dir .. ';')
  if toml ~= '' then
    return vim.fn.fnamemodify(toml, ':p:h')
  end
  local git = vim.fn.finddir('.git', dir .. ';')
  if git ~= '' then
    return vim.fn.fnamemodify(git, ':p:h:h')
  end
  return dir
end

---@param opts table|nil { cmd = {...}, settings = {...}, filetypes = {...} }
function M.setup(opts)
  opts = opts or {}
  local cmd = opts.cmd or { 'talknotes-ls' }
  local settings = opts.settings or {}
  -- An empty Lua table would be sent as a JSON list.
  local options = next(settings) and settings or vim.empty_dict()

  vim.api.nvim_create_autocmd('FileType', {
    group = vim.api.nvim_create_augroup('talknotes_ls', { clear = true }),
    pattern = opts.filetypes or { 'markdown' },
    callback = function(args)
      local file = vim.api.nvim_buf_get_name(args.buf)
      if file == '' or vim.bo[args.buf].buftype ~= '' then
        return
      end
      local root = find_root(file)
      local id = clients[root]
      if id == nil or vim.lsp.get_client_by_id(id) == nil then
        id = vim.lsp.start_client({
          name = 'talknotes_ls',
          cmd = cmd,
          root_dir = root,
          init_options = options,
          settings = { talknotes = options },
        })
        if id == nil then
          vim.notify('talknotes-ls could not be started: install it with `cargo install talknotes-ls`', vim.log.levels.ERROR)
          return
        end
        clients[root] = id
      end
      vim.lsp.buf_attach_client(args.buf, id)
    end,
  })
end

return M
