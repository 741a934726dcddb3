-- GET the URL given to wrk as many apps: each line of the file named by args[1] is the
-- bearer token of one app's session; requests take them in turn.
dofile(os.getenv("BENCH_LUA_DIR") .. "/count.lua")

function init(args)
  count_init(200)
  requests = {}
  for token in io.lines(args[1]) do
    table.insert(requests, wrk.format("GET", nil, with_proxy_headers({ ["Authorization"] = "Bearer " .. token })))
  end
  next_request = (id or 0) * 7919 % #requests + 1
end

function request()
  local prepared = requests[next_request]
  next_request = next_request % #requests + 1
  return prepared
end
