-- POST /register as a browser would, each time with a new email: each line of the file named
-- by args[1] is "<cookie header>\t<CSRF token>". A sign-up answers 302, with the mail that
-- verifies the address queued in its transaction.
dofile(os.getenv("BENCH_LUA_DIR") .. "/count.lua")

local PASSWORD = "violet+tangerine+orbit+42"

function init(args)
  count_init(302)
  browsers = {}
  for line in io.lines(args[1]) do
    local cookie, token = line:match("^(.-)\t(.*)$")
    table.insert(browsers, { cookie = cookie, token = token })
  end
  thread_id = (id or 0)
  counter = 0
  run = tostring(os.time())
end

function request()
  counter = counter + 1
  local browser = browsers[counter % #browsers + 1]
  local email = "signup-" .. run .. "-" .. thread_id .. "-" .. counter .. "%40example.com"
  local body = "csrf_token=" .. browser.token .. "&email=" .. email .. "&password=" .. PASSWORD .. "&confirm=" .. PASSWORD
  return wrk.format("POST", "/register", with_proxy_headers({
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = browser.cookie,
    ["Referer"] = "https://" .. wrk.host .. ":" .. wrk.port .. "/register",
  }), body)
end
