-- POST /api/v1/login as an app would: JSON, no cookie, no CSRF header. Each line of the file
-- named by args[1] is a JSON body with a user's credentials. A login answers 200 with a token.
dofile(os.getenv("BENCH_LUA_DIR") .. "/count.lua")

function init(args)
  count_init(200)
  bodies = {}
  for line in io.lines(args[1]) do
    table.insert(bodies, line)
  end
  next_body = (id or 0) * 7919 % #bodies + 1
end

function request()
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  return wrk.format("POST", "/api/v1/login", with_proxy_headers({ ["Content-Type"] = "application/json" }), body)
end
