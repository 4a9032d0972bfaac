-- Give every request its own context length so no response can come from the page cache:
-- this measures the estimator's full work for each request.
counter = 0
request = function()
  counter = counter + 1
  local path = string.gsub(wrk.path, "{n}", tostring(2048 + counter % 60000))
  return wrk.format("GET", path, wrk.headers)
end
