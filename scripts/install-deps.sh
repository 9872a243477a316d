#!/usr/bin/env bash
# Installs what the platform and its tests need on a Debian machine when it is missing:
# RabbitMQ and PostgreSQL 15 (run as private local instances, never as system services), libgomp1 for LightGBM,
# and with --with-browser Chromium for the dashboard tests.
set -euo pipefail

need=()
[[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || need+=(rabbitmq-server)
[[ -x /usr/lib/postgresql/15/bin/initdb ]] || need+=(postgresql-15)
# GNU OpenMP runtime for ML.NET's LightGBM native library (the lightgbm trainer).
[[ -e /usr/lib/x86_64-linux-gnu/libgomp.so.1 ]] || ldconfig -p 2>/dev/null | grep -q 'libgomp\.so\.1' || need+=(libgomp1)
if [[ " $* " == *" --with-browser "* ]]; then
  # The dashboard tests drive Debian's Chromium through Playwright (never a downloaded browser).
  [[ -x /usr/bin/chromium ]] || need+=(chromium)
fi
if [[ " $* " == *" --with-references "* ]]; then
  # Side-by-side references for the benchmarks in bench/.
  /usr/bin/python3 -c "import pandas, xgboost, sklearn" 2>/dev/null || need+=(python3-pandas python3-xgboost python3-sklearn)
  /usr/bin/python3 -c "import scipy" 2>/dev/null || need+=(python3-scipy)
fi
[[ ${#need[@]} -eq 0 ]] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "missing: ${need[*]}. This machine has no apt-get: install RabbitMQ 3.10+ (rabbitmq-server under /usr/lib/rabbitmq/bin)" >&2
  echo "and PostgreSQL 15 (initdb and pg_ctl under /usr/lib/postgresql/15/bin), or point the AppHost at existing servers" >&2
  echo "with ConnectionStrings__messaging and ConnectionStrings__postgres (see README.md)." >&2
  exit 1
fi
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "installing ${need[*]} needs root (or sudo)" >&2; exit 1; }
  sudo="sudo"
fi
echo "installing ${need[*]} ..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
