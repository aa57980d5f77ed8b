-- wrk script for auth-flood.sh: basic-auth requests to /auth for an existing user with a wrong password,
-- AUTH_MODE=same (one wrong password, as a client retrying) or distinct (a new one per request, as a
-- password guesser), or control (no credentials: a 401 that checks no password, what any fast client costs);
-- at the end, the answers counted by status ("status 401: 1234"). HOSTILE_DELAY_MS > 0 paces each connection
-- (that many milliseconds between an answer and the next request) instead of sending at full speed.
local mode = os.getenv("AUTH_MODE") or "same"
local user = os.getenv("AUTH_USER") or "bench-user"
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local pace = tonumber(os.getenv("HOSTILE_DELAY_MS") or "0")
local threads = {}

local function char(n) return alphabet:sub(n + 1, n + 1) end

local function base64(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = s:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    out[#out + 1] = char(math.floor(n / 262144) % 64) .. char(math.floor(n / 4096) % 64)
      .. (b and char(math.floor(n / 64) % 64) or "=") .. (c and char(n % 64) or "=")
  end
  return table.concat(out)
end

function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

function init()
  statuses = {}
  sent = 0
  fixed = "Basic " .. base64(user .. ":wrong-password")
end

function request()
  local authorization = fixed
  if mode == "control" then
    return wrk.format("GET", "/auth")
  elseif mode == "distinct" then
    sent = sent + 1
    authorization = "Basic " .. base64(user .. ":guess-" .. id .. "-" .. sent)
  end
  return wrk.format("GET", "/auth", { ["Authorization"] = authorization })
end

if pace > 0 then
  function delay() return pace end
end

function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done()
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + count end
  end
  for status, count in pairs(total) do io.write(string.format("status %d: %d\n", status, count)) end
end
