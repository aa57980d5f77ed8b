-- wrk script for admin-audit.sh: each request creates a consumer with a name no other request of any run uses.
math.randomseed(os.time())
local prefix = string.format("%d-%d", os.time(), math.random(1, 1000000000))
local counter = 0

request = function()
  counter = counter + 1
  return wrk.format("POST", "/consumers", { ["Content-Type"] = "application/json" },
    string.format('{"username":"bench-%s-%d"}', prefix, counter))
end
