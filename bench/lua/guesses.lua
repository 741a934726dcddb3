-- POST /login with wrong passwords, as attackers would: each line of the file named by
-- args[1] is "<cookie header>\t<form body>"; each request claims, through the trusted
-- proxy's X-Forwarded-For, to come from one of args[3] addresses starting at args[2]
-- (127.0.0.10 and 50: 127.0.0.10 to 127.0.0.59), in turn. Refused (429) and turned-away
-- (503) answers are what a flood should get, as much as a checked guess (200); with
-- args[4] = "logins", the forms hold right passwords, and a login (302) is one too.
dofile(os.getenv("BENCH_LUA_DIR") .. "/count.lua")

function init(args)
  count_init(200)
  forms = {}
  for line in io.lines(args[1]) do
    local cookie, body = line:match("^(.-)\t(.*)$")
    table.insert(forms, { cookie = cookie, body = body })
  end
  local first = tonumber(args[2]:match("(%d+)$"))
  prefix = args[2]:match("^(.*%.)")
  addresses = tonumber(args[3])
  first_host = first
  next_form = (id or 0) * 7919 % #forms + 1
  next_address = (id or 0) % addresses
  logins = args[4] == "logins"
end

function request()
  local form = forms[next_form]
  next_form = next_form % #forms + 1
  local address = prefix .. (first_host + next_address)
  next_address = (next_address + 1) % addresses
  return wrk.format("POST", "/login", with_proxy_headers({
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = form.cookie,
    ["Referer"] = "https://" .. wrk.host .. ":" .. wrk.port .. "/login",
    ["X-Forwarded-For"] = address,
  }), form.body)
end

function response(status, headers, body)
  -- A guess checked, refused or turned away is each a right answer to a flood.
  if status == 200 or status == 429 or status == 503 or (logins and status == 302) then
    successes = successes + 1
  else
    unexpected = unexpected + 1
    if status >= 500 then server_errors = server_errors + 1 end
  end
end
