-- POST /login with a wrong password from one address (args[2], through X-Forwarded-For)
-- that is already past its limit: every answer should be a refusal (429).
dofile(os.getenv("BENCH_LUA_DIR") .. "/count.lua")

function init(args)
  count_init(429)
  local line = io.lines(args[1])()
  cookie, body = line:match("^(.-)\t(.*)$")
  address = args[2]
end

function request()
  return wrk.format("POST", "/login", with_proxy_headers({
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
    ["Referer"] = "https://" .. wrk.host .. ":" .. wrk.port .. "/login",
    ["X-Forwarded-For"] = address,
  }), body)
end
