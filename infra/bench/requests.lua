-- Cycles through the requests listed in the file named by WRK_REQUESTS, one per line:
-- "<path> <host>" (host may be "-" for none). Used by scenario (b) to spread load over routes.
local requests = {}
local index = 0

init = function(args)
  local file = assert(io.open(os.getenv("WRK_REQUESTS"), "r"))
  for line in file:lines() do
    local path, host = line:match("^(%S+)%s+(%S+)$")
    if path then
      local headers = {}
      if host ~= "-" then headers["Host"] = host end
      requests[#requests + 1] = wrk.format("GET", path, headers)
    end
  end
  file:close()
end

request = function()
  index = index % #requests + 1
  return requests[index]
end
