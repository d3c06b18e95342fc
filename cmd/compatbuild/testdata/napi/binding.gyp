{
  "targets": [{
    "target_name": "addon",
    "sources": ["addon.c"],
    "defines": ["NAPI_VERSION=4"]
  }]
}
