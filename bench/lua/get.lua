-- GET the URL given to wrk; args: the status that counts as success (default 200).
dofile(os.getenv("BENCH_LUA_DIR") .. "/count.lua")

function init(args)
  count_init(tonumber(args[1]) or 200)
end
