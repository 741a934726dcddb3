-- Second steps alone, each once: each line of the file named by args[1] is "<cookie>\t<form
-- body>", a browser whose password was just right (its pending sign-in's cookie with its CSRF
-- cookie) and the code of its account's app. wrk stops when every line was answered. A success
-- starts a session (302 to /).
dofile(os.getenv("BENCH_LUA_DIR") .. "/count.lua")

function init(args)
  count_init(302)
  steps = {}
  for line in io.lines(args[1]) do
    local cookie, body = line:match("^(.-)\t(.*)$")
    table.insert(steps, wrk.format("POST", "/login/two-step", with_proxy_headers({
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = cookie,
      ["Referer"] = "https://" .. wrk.host .. ":" .. wrk.port .. "/login/two-step",
    }), body))
  end
  answered = 0
end

-- One connection: each request follows the answer to the one before (wrk also asks for a
-- request it never sends, at the start, so the count of answers says which is next).
function request()
  return steps[math.min(answered + 1, #steps)]
end

function response(status, headers, body)
  if status == 302 and header(headers, "location") == "/" then successes = successes + 1 else unexpected = unexpected + 1 end
  if status >= 500 then server_errors = server_errors + 1 end
  answered = answered + 1
  if answered >= #steps then wrk.thread:stop() end
end
