-- POST /login as a browser would: each line of the file named by args[1] is
-- "<cookie header>\t<form body>", a CSRF cookie with its token and a user's credentials.
-- A successful login answers 302; wrk keeps no cookies, so every request logs in afresh.
dofile(os.getenv("BENCH_LUA_DIR") .. "/count.lua")

function init(args)
  count_init(302)
  forms = {}
  for line in io.lines(args[1]) do
    local cookie, body = line:match("^(.-)\t(.*)$")
    table.insert(forms, { cookie = cookie, body = body })
  end
  next_form = (id or 0) * 7919 % #forms + 1
end

function request()
  local form = forms[next_form]
  next_form = next_form % #forms + 1
  return wrk.format("POST", "/login", with_proxy_headers({
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = form.cookie,
    -- A browser names the page the form came from; over HTTPS the CSRF check wants it.
    ["Referer"] = "https://" .. wrk.host .. ":" .. wrk.port .. "/login",
  }), form.body)
end
