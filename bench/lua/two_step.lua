-- Logins with a second step, one connection a thread: POST /login with a user's password,
-- then POST /login/two-step with the code the user's app shows at that moment. Each line of
-- the file named by args[1] is "<cookie>\t<login form body>\t<CSRF token>\t<first step>\t<codes>":
-- a browser on the login page (its CSRF cookie and token) and an account with two-step
-- sign-in on, with the codes of its app for a few 30-second steps from <first step>. Each
-- account logs in once, since a code counts once; args[2] is the number of threads, which
-- share the accounts out. A success is a second step that starts a session (302 to /).
dofile(os.getenv("BENCH_LUA_DIR") .. "/count.lua")

function init(args)
  count_init(302)
  accounts = {}
  for line in io.lines(args[1]) do
    local cookie, body, token, first, codes = line:match("^(.-)\t(.-)\t(.-)\t(.-)\t(.*)$")
    local list = {}
    for code in codes:gmatch("%d+") do table.insert(list, code) end
    table.insert(accounts, { cookie = cookie, body = body, token = token, first = tonumber(first), codes = list })
  end
  stride = tonumber(args[2])
  next_account = (id or 0) + 1
end

local function post(path, cookie, body)
  return wrk.format("POST", path, with_proxy_headers({
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
    ["Referer"] = "https://" .. wrk.host .. ":" .. wrk.port .. "/login",
  }), body)
end

function request()
  if pending then
    local code = account.codes[math.floor(os.time() / 30) - account.first + 1]
    return post("/login/two-step", account.cookie .. "; " .. pending, "csrf_token=" .. account.token .. "&code=" .. code)
  end
  account = accounts[next_account]
  if account == nil then  -- every account has logged in: nothing left to ask
    wrk.thread:stop()
    account = accounts[1]
  end
  next_account = next_account + stride
  return post("/login", account.cookie, account.body)
end

function response(status, headers, body)
  if status >= 500 then server_errors = server_errors + 1 end
  if pending then
    pending = nil
    if status == 302 and header(headers, "location") == "/" then successes = successes + 1 else unexpected = unexpected + 1 end
  elseif status == 302 and header(headers, "location") == "/login/two-step" and header(headers, "set-cookie") then
    pending = header(headers, "set-cookie"):match("^([^;]+)")
  else
    unexpected = unexpected + 1
  end
end
