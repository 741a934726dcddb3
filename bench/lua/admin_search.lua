-- GET /admin?search=<prefix> as a signed-in admin: args[1] names a file whose first line is
-- the admin's cookie header; the prefixes follow in turn, from broad (a ninth of the users
-- match) to narrow (a handful), so that no single range stays the only one cached.
dofile(os.getenv("BENCH_LUA_DIR") .. "/count.lua")

local PREFIXES = { "bench-user-1", "bench-user-42", "bench-user-777", "bench-user-5038", "bench-user-99999", "bench-user-314159" }

function init(args)
  count_init(200)
  local cookie = io.lines(args[1])()
  requests = {}
  for _, prefix in ipairs(PREFIXES) do
    table.insert(requests, wrk.format("GET", "/admin?search=" .. prefix, with_proxy_headers({ ["Cookie"] = cookie })))
  end
  next_request = (id or 0) % #requests + 1
end

function request()
  local prepared = requests[next_request]
  next_request = next_request % #requests + 1
  return prepared
end
