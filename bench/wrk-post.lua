-- wrk script: POSTs the JSON file named by BODY. With RATE set, each of the CONNECTIONS connections waits
-- CONNECTIONS*1000/RATE ms before each request, so the total rate is about RATE (less the response time):
-- Debian's wrk has no -R option for a fixed rate.
local file = assert(io.open(os.getenv("BODY"), "r"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"

local rate = tonumber(os.getenv("RATE") or "0")
local connections = tonumber(os.getenv("CONNECTIONS") or "1")
if rate > 0 then
  local pause = math.floor(1000 * connections / rate + 0.5)
  function delay()
    return pause
  end
end
