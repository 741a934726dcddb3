-- GET the URL given to wrk as many signed-in people: each line of the file named by
-- args[1] is the cookie header of one browser's session; requests take them in turn.
dofile(os.getenv("BENCH_LUA_DIR") .. "/count.lua")

function init(args)
  count_init(200)
  requests = {}
  for cookie in io.lines(args[1]) do
    table.insert(requests, wrk.format("GET", nil, with_proxy_headers({ ["Cookie"] = cookie })))
  end
  next_request = (id or 0) * 7919 % #requests + 1
end

function request()
  local prepared = requests[next_request]
  next_request = next_request % #requests + 1
  return prepared
end
